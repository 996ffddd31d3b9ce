package io.ultrachat.kernel.http;

import java.io.InputStream;
import java.util.Objects;

/**
 * A response body of raw bytes (a download), streamed to the client by the gateway instead of
 * being serialized as JSON. The gateway sends {@code Content-Type} and {@code Content-Length}
 * from it and closes {@code content} when done, whether or not the client read it all.
 *
 * @param contentType the media type sent as {@code Content-Type}
 * @param length exactly how many bytes {@code content} yields
 * @param content the bytes; read on a virtual thread, so it may block
 */
public record BinaryContent(String contentType, long length, InputStream content) {
  public BinaryContent {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(content, "content");
    if (length < 0) {
      throw new IllegalArgumentException("length must not be negative but was " + length);
    }
  }
}
