package io.ultrachat.gateway;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The body of a raw-body request (an upload) as a blocking {@link InputStream} for the handler's
 * virtual thread.
 *
 * <p>Design notes. The request is paused when it is dispatched. The stream asks the event loop
 * for one more chunk ({@code fetch(1)}) only when the handler has consumed everything it has, so
 * however large the upload, at most a chunk or two of it is in memory; TCP flow control slows
 * the client meanwhile. A client that sent {@code Expect: 100-continue} is told to go on only
 * when the handler first reads, i.e. after authentication and the handler's own checks. The
 * stream counts what arrives and fails as soon as it exceeds the endpoint's limit; the gateway
 * then answers 413 whatever the handler made of the failure ({@link #failure()}). Handlers are
 * registered on the event loop (in the constructor); reads happen on the handler's thread.
 */
final class RequestBodyStream extends InputStream {
  /** Why the body could not be read to its end, if it could not. */
  enum Failure { NONE, TOO_LARGE, BROKEN }

  private static final Object END = new Object();

  private final HttpServerRequest request;
  private final Context eventLoop;
  private final long maxBytes;
  private final Duration idleTimeout;
  private final boolean expectsContinue;
  private final LinkedBlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
  private volatile Failure failure = Failure.NONE;
  private Buffer current;
  private int position;
  private long received;
  private boolean ended;
  private volatile boolean continued;

  /** Call on the request's event loop, with the request paused. */
  RequestBodyStream(HttpServerRequest request, Context eventLoop, long maxBytes, Duration idleTimeout) {
    this.request = request;
    this.eventLoop = eventLoop;
    this.maxBytes = maxBytes;
    this.idleTimeout = idleTimeout;
    String expect = request.getHeader(HttpHeaders.EXPECT);
    this.expectsContinue = expect != null && expect.equalsIgnoreCase("100-continue");
    request.handler(arrived::add);
    request.endHandler(v -> arrived.add(END));
    request.exceptionHandler(arrived::add);
  }

  /**
   * Whether the client waits for {@code 100 Continue} before sending its body and was never told
   * to go on: then it sends nothing more, and the connection cannot carry another request.
   */
  boolean clientHoldsBody() {
    return expectsContinue && !continued;
  }

  /** Why reading stopped short; {@code NONE} if it did not (or the body was not read at all). */
  Failure failure() {
    return failure;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    while (current == null || position == current.length()) {
      if (ended) {
        return -1;
      }
      next();
    }
    int n = Math.min(len, current.length() - position);
    current.getBytes(position, position + n, b, off);
    position += n;
    return n;
  }

  private void next() throws IOException {
    if (failure != Failure.NONE) {
      throw new IOException("the request body could not be read (" + failure + ")");
    }
    Object item = arrived.poll();
    if (item == null) {
      boolean sayContinue = expectsContinue && !continued;
      continued = true;
      eventLoop.runOnContext(v -> {
        if (sayContinue && !request.response().ended()) {
          request.response().writeContinue();
        }
        request.fetch(1);
      });
      try {
        item = arrived.poll(idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = Failure.BROKEN;
        throw new IOException("interrupted while waiting for the request body", e);
      }
      if (item == null) {
        failure = Failure.BROKEN;
        throw new IOException("no request body data for " + idleTimeout.toSeconds() + " s");
      }
    }
    if (item == END) {
      ended = true;
      current = null;
      return;
    }
    if (item instanceof Throwable t) {
      failure = Failure.BROKEN;
      throw new IOException("the request body broke off: " + t.getMessage(), t);
    }
    Buffer chunk = (Buffer) item;
    received += chunk.length();
    if (received > maxBytes) {
      failure = Failure.TOO_LARGE;
      throw new IOException("the request body is larger than " + maxBytes + " bytes");
    }
    current = chunk;
    position = 0;
  }
}
