package io.ultrachat.gateway;

import io.ultrachat.kernel.error.Conflict;
import io.ultrachat.kernel.error.DomainException;
import io.ultrachat.kernel.error.Forbidden;
import io.ultrachat.kernel.error.InvalidInput;
import io.ultrachat.kernel.error.NotFound;
import io.ultrachat.kernel.error.RateLimited;
import io.ultrachat.kernel.error.Unauthenticated;
import io.ultrachat.kernel.error.Unavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP statuses. Domain errors map one-to-one; anything
 * else is a bug, logged with the request id and answered with a 500 that reveals nothing.
 */
public final class ProblemMapper {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemMapper.class);

  private ProblemMapper() {}

  public static Problem toProblem(Throwable failure, String requestId) {
    Problem p = switch (failure) {
      case EdgeRejection r -> r.problem;
      case DomainException d -> domain(d);
      default -> {
        LOG.error("request {} failed", requestId, failure);
        yield Problem.of(500, "internal-error", "something went wrong on our side; the request id identifies it in the logs");
      }
    };
    return p.withRequestId(requestId);
  }

  private static Problem domain(DomainException d) {
    return switch (d) {
      case InvalidInput e -> Problem.of(400, e.code(), e.getMessage()).withErrors(e.errors());
      case Unauthenticated e -> Problem.of(401, e.code(), e.getMessage());
      case Forbidden e -> Problem.of(403, e.code(), e.getMessage());
      case NotFound e -> Problem.of(404, e.code(), e.getMessage());
      case Conflict e -> Problem.of(409, e.code(), e.getMessage());
      case RateLimited e -> Problem.of(429, e.code(), e.getMessage()).withRetryAfter(e.retryAfterSeconds());
      case Unavailable e -> {
        LOG.warn("unavailable: {}", e.getMessage());
        yield Problem.of(503, e.code(), e.getMessage()).withRetryAfter(5);
      }
    };
  }
}
