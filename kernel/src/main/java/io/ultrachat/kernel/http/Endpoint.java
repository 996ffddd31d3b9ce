package io.ultrachat.kernel.http;

import java.util.Objects;
import java.util.Optional;

/**
 * One REST operation a service offers. Services publish lists of these; the gateway mounts
 * them, authenticates and rate-limits callers, binds the request and maps failures.
 *
 * @param method HTTP method
 * @param path OpenAPI-style template, e.g. {@code /api/v1/auth/sessions/{sessionId}}
 * @param access who may call it
 * @param limit which rate-limit family the call counts against
 * @param handler the thin handler; runs on a virtual thread, so blocking is fine
 * @param rawBody present on the few endpoints that take raw bytes (uploads) instead of JSON:
 *     their own size limit and media types, the body streamed to the handler
 *     ({@link ApiRequest#bodyStream()}); every other endpoint takes JSON up to the gateway's
 *     {@code http.max-body-size}
 */
public record Endpoint(HttpMethod method, String path, Access access, RateLimitClass limit, Handler handler,
    Optional<RawBody> rawBody) {

  /** Handles one request. Throws domain exceptions; never builds error responses itself. */
  @FunctionalInterface
  public interface Handler {
    ApiResponse handle(ApiRequest request);
  }

  /** The rate-limit families: auth endpoints have a strict per-client budget of their own. */
  public enum RateLimitClass { AUTH, API }

  public Endpoint {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(limit, "limit");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(rawBody, "rawBody");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("endpoint path must start with '/' but was '" + path + "'");
    }
  }

  /** An endpoint that takes JSON, if any body. */
  public Endpoint(HttpMethod method, String path, Access access, RateLimitClass limit, Handler handler) {
    this(method, path, access, limit, handler, Optional.empty());
  }

  /** This endpoint taking a raw, streamed body instead of JSON. */
  public Endpoint withRawBody(RawBody body) {
    if (method != HttpMethod.POST && method != HttpMethod.PUT) {
      throw new IllegalArgumentException("only POST and PUT endpoints take a raw body, not " + method + " " + path);
    }
    return new Endpoint(method, path, access, limit, handler, Optional.of(body));
  }

  public static Endpoint of(HttpMethod method, String path, Access access, Handler handler) {
    return new Endpoint(method, path, access, RateLimitClass.API, handler);
  }
}
