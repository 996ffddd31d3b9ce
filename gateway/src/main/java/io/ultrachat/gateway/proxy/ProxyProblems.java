package io.ultrachat.gateway.proxy;

import io.ultrachat.gateway.Problem;
import io.ultrachat.kernel.json.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's own answers, as {@code application/problem+json} in the house style
 * ({@link Problem}). These are gateway failures, not domain errors, so they do not pass through
 * the domain {@code ProblemMapper}. Runs on the request's event loop.
 */
final class ProxyProblems {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyProblems.class);

  private ProxyProblems() {}

  /** 503: no instance of the service is in rotation (or the gateway is stopping). */
  static Problem unavailable(String detail, Duration retryAfter) {
    return Problem.of(503, "upstream-unavailable", detail).withRetryAfter(Math.max(1, retryAfter.toSeconds()));
  }

  /** 504: the instance did not answer in time. */
  static Problem timeout(String detail) {
    return Problem.of(504, "upstream-timeout", detail);
  }

  /** 502: the instance failed without an answer and the request could not be retried. */
  static Problem error(String detail) {
    return Problem.of(502, "upstream-error", detail);
  }

  /** Writes {@code p} unless a response is already under way (then the stream is reset instead). */
  static void send(HttpServerResponse res, Problem p, String requestId) {
    if (res.ended() || res.closed()) {
      return;
    }
    if (res.headWritten()) {
      res.reset();
      return;
    }
    Problem problem = p.withRequestId(requestId);
    res.setStatusCode(problem.status()).putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    problem.retryAfterSeconds().ifPresent(s -> res.putHeader("Retry-After", Long.toString(s)));
    try {
      res.putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json").end(Buffer.buffer(Json.mapper().writeValueAsBytes(problem)));
    } catch (Exception e) {
      LOG.error("request {}: cannot write problem {}", requestId, problem.code(), e);
      res.setStatusCode(500).end();
    }
  }
}
