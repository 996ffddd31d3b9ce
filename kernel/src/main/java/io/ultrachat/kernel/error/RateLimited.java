package io.ultrachat.kernel.error;

import java.time.Duration;

/** Too many requests; the caller may retry after {@link #retryAfter()}. */
public final class RateLimited extends DomainException {
  private final Duration retryAfter;

  public RateLimited(String code, String detail, Duration retryAfter) {
    super(code, detail);
    this.retryAfter = retryAfter.isNegative() ? Duration.ZERO : retryAfter;
  }

  public Duration retryAfter() {
    return retryAfter;
  }

  /** Whole seconds to wait, rounded up and at least one, as {@code Retry-After} wants. */
  public long retryAfterSeconds() {
    long millis = retryAfter.toMillis();
    return Math.max(1, (millis + 999) / 1000);
  }
}
