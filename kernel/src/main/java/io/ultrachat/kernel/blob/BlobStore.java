package io.ultrachat.kernel.blob;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Stores opaque byte sequences (attachments, voice messages) under keys the caller chooses.
 * Embedded deployments keep them as files under the data directory ({@link FileBlobStore});
 * a cluster puts them on a shared volume or an S3-compatible store behind this same interface.
 *
 * <p>Keys are opaque: any string of 1 to {@value #KEY_MAX} characters. An implementation must
 * never let a key name anything outside its own storage (no path traversal), and two different
 * keys never name the same blob.
 *
 * <p>Contract for every implementation (checked by the test kit's {@code BlobStoreContract}):
 * <ul>
 *   <li>{@link #put} is atomic: readers see the previous blob or the whole new one, never part
 *       of one; a failed put (too large, the content stream failed, storage failed) leaves
 *       nothing behind and the previous blob, if any, untouched.
 *   <li>Every method is thread-safe. Concurrent puts of one key end with one of them whole.
 *   <li>Failures of the storage itself are {@link UncheckedIOException}s.
 * </ul>
 */
public interface BlobStore {
  int KEY_MAX = 512;

  /**
   * Streams {@code content} into the blob {@code key}, replacing any blob stored there, and
   * returns its size in bytes. Reads {@code content} to its end but never keeps more than a
   * small buffer of it in memory; does not close it.
   *
   * @param maxBytes the largest size accepted; the put stops reading as soon as the content is
   *     longer
   * @throws BlobTooLarge if the content is longer than {@code maxBytes}; nothing is stored
   * @throws UncheckedIOException if reading {@code content} or writing the blob fails; nothing
   *     is stored
   * @throws IllegalArgumentException if the key is empty or longer than {@value #KEY_MAX}
   *     characters, or {@code maxBytes} is negative
   */
  long put(String key, InputStream content, long maxBytes);

  /**
   * Opens the blob {@code key} for reading; empty if there is none. The caller must close the
   * returned content. A blob replaced or deleted while being read may be read to its end as it
   * was when it was opened.
   */
  Optional<Blob> get(String key);

  /** The size of the blob {@code key} in bytes; empty if there is none. */
  Optional<Long> size(String key);

  /** Removes the blob {@code key}; false if there was none. Idempotent. */
  boolean delete(String key);

  /** An open blob: its size and its bytes, streamed. Close it when done. */
  record Blob(long size, InputStream content) implements AutoCloseable {
    @Override
    public void close() {
      try {
        content.close();
      } catch (java.io.IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
