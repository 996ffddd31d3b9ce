package io.ultrachat.kernel.http;

import io.ultrachat.kernel.error.InvalidInput;
import io.ultrachat.kernel.error.Unauthenticated;
import java.io.InputStream;
import java.util.Optional;

/** What a handler sees of an HTTP request. Implemented by the gateway. */
public interface ApiRequest {
  /** A path parameter named in the endpoint's template, e.g. {@code sessionId}. */
  String pathParam(String name);

  Optional<String> query(String name);

  Optional<String> header(String name);

  /**
   * The JSON body bound to a record.
   *
   * @throws InvalidInput if the body is missing, not JSON, of the wrong shape, or has
   *     unknown or mistyped fields; the message names the field
   */
  <T> T body(Class<T> type);

  /** Like {@link #body} but an absent body gives empty instead of an error. */
  <T> Optional<T> optionalBody(Class<T> type);

  /**
   * The raw body of an endpoint declared with a {@link RawBody}, streamed as it arrives: never
   * more than {@link RawBody#maxBytes()} bytes (reading past them fails, and the gateway answers
   * 413 whatever the handler does). Reads block, which is fine on the handler's virtual thread.
   *
   * @throws IllegalStateException on an endpoint that takes JSON
   */
  default InputStream bodyStream() {
    throw new IllegalStateException("this endpoint takes a JSON body; declare a RawBody to stream one");
  }

  Optional<Principal> principal();

  default Principal requirePrincipal() {
    return principal().orElseThrow(() -> new Unauthenticated("authentication required"));
  }

  /** The client address as the gateway determined it (trusted proxies considered). */
  String clientAddress();

  /** The request id, also returned as {@code X-Request-Id} and present in every log line. */
  String requestId();
}
