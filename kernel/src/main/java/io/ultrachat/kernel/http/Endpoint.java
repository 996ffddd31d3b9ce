package io.ultrachat.kernel.http;

import java.util.Objects;

/**
 * One REST operation a service offers. Services publish lists of these; the gateway mounts
 * them, authenticates and rate-limits callers, binds the request and maps failures.
 *
 * @param method HTTP method
 * @param path OpenAPI-style template, e.g. {@code /api/v1/auth/sessions/{sessionId}}
 * @param access who may call it
 * @param limit which rate-limit family the call counts against
 * @param handler the thin handler; runs on a virtual thread, so blocking is fine
 */
public record Endpoint(HttpMethod method, String path, Access access, RateLimitClass limit, Handler handler) {

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
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("endpoint path must start with '/' but was '" + path + "'");
    }
  }

  public static Endpoint of(HttpMethod method, String path, Access access, Handler handler) {
    return new Endpoint(method, path, access, RateLimitClass.API, handler);
  }
}
