package io.ultrachat.kernel.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * {@link BlobStore} on a local (or shared) directory: the embedded default, {@code <data-dir>/blobs}.
 *
 * <p>Design notes. A blob's file name is the SHA-256 of its key in hex, under a directory named
 * by the hash's first two digits (so no directory grows past a few thousand entries for
 * millions of blobs). Keys therefore never reach the file system as text: no key can name a
 * path outside the root, whatever characters it holds, and keys that differ only in case stay
 * apart on case-insensitive file systems. A put streams into a temporary file under
 * {@code .tmp} in the same root, forces it to disk, and renames it over the target in one
 * atomic move, so readers see the old blob or the whole new one; a reader that opened the old
 * file keeps reading it to its end. Temporary files older than an hour, left by a crash, are
 * removed when a store opens the directory. Thread-safe: no state besides the file system.
 */
public final class FileBlobStore implements BlobStore {
  private static final int BUFFER = 64 * 1024;
  private static final Duration STALE_TEMP = Duration.ofHours(1);

  private final Path root;
  private final Path temp;

  /** Opens (creating if missing) a store rooted at {@code root}. */
  public FileBlobStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.temp = this.root.resolve(".tmp");
    try {
      Files.createDirectories(temp);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the blob directory " + this.root, e);
    }
    removeStaleTemporaries();
  }

  public Path root() {
    return root;
  }

  @Override
  public long put(String key, InputStream content, long maxBytes) {
    Path target = path(key);
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative but was " + maxBytes);
    }
    Path part = null;
    try {
      part = Files.createTempFile(temp, "put-", ".part");
      long size = 0;
      try (FileChannel out = FileChannel.open(part, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        byte[] buffer = new byte[BUFFER];
        int n;
        while ((n = content.read(buffer)) != -1) {
          size += n;
          if (size > maxBytes) {
            throw new BlobTooLarge(maxBytes);
          }
          ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
          while (chunk.hasRemaining()) {
            out.write(chunk);
          }
        }
        out.force(true);
      }
      Files.createDirectories(target.getParent());
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      part = null;
      return size;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store blob: " + e.getMessage(), e);
    } finally {
      if (part != null) {
        deleteQuietly(part);
      }
    }
  }

  @Override
  public Optional<Blob> get(String key) {
    Path file = path(key);
    try {
      FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
      try {
        return Optional.of(new Blob(in.size(), Channels.newInputStream(in)));
      } catch (IOException | RuntimeException e) {
        in.close();
        throw e;
      }
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read blob: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Long> size(String key) {
    try {
      return Optional.of(Files.size(path(key)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read blob: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean delete(String key) {
    try {
      return Files.deleteIfExists(path(key));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete blob: " + e.getMessage(), e);
    }
  }

  /** The file of a key: only hex digits of its hash ever become part of the path. */
  private Path path(String key) {
    if (key == null || key.isEmpty() || key.length() > KEY_MAX) {
      throw new IllegalArgumentException("a blob key must have 1 to " + KEY_MAX + " characters but had "
          + (key == null ? "none" : key.length()));
    }
    String hash = HexFormat.of().formatHex(sha256().digest(key.getBytes(StandardCharsets.UTF_8)));
    return root.resolve(hash.substring(0, 2)).resolve(hash);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private void removeStaleTemporaries() {
    FileTime cutoff = FileTime.from(Instant.now().minus(STALE_TEMP));
    try (DirectoryStream<Path> parts = Files.newDirectoryStream(temp, "*.part")) {
      for (Path p : parts) {
        if (Files.getLastModifiedTime(p).compareTo(cutoff) < 0) {
          deleteQuietly(p);
        }
      }
    } catch (IOException e) {
      // Leftovers only cost disk space; the store works without removing them.
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // A leftover temporary file is harmless; it is removed when a store next opens the directory.
    }
  }
}
