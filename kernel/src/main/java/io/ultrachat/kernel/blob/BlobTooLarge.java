package io.ultrachat.kernel.blob;

/** A {@link BlobStore#put} refused content longer than the limit it was given; nothing was stored. */
public final class BlobTooLarge extends RuntimeException {
  private final long maxBytes;

  public BlobTooLarge(long maxBytes) {
    super("the content is larger than " + maxBytes + " bytes", null, false, false);
    this.maxBytes = maxBytes;
  }

  public long maxBytes() {
    return maxBytes;
  }
}
