package io.ultrachat.kernel.queue;

import java.time.Duration;

/**
 * How often and how soon a failed job is tried again.
 *
 * @param maxDeliveries attempts a job gets in all, the first included; the attempt with this
 *     number is the last, and its failure dead-letters the job
 * @param initialBackoff the delay after a first attempt that threw
 * @param maxBackoff the cap of the doubling delays after later attempts that threw
 */
public record RetryPolicy(int maxDeliveries, Duration initialBackoff, Duration maxBackoff) {
  public RetryPolicy {
    if (maxDeliveries < 1) {
      throw new IllegalArgumentException("maxDeliveries must be at least 1 but was " + maxDeliveries);
    }
    if (initialBackoff == null || initialBackoff.isNegative() || initialBackoff.isZero()) {
      throw new IllegalArgumentException("initialBackoff must be positive but was " + initialBackoff);
    }
    if (maxBackoff == null || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("maxBackoff must be at least initialBackoff (" + initialBackoff + ") but was " + maxBackoff);
    }
  }

  /**
   * Ten attempts, 1 s doubling up to 15 min: a receiver that is down for a few hours is given
   * about two hours of tries before the job is dead-lettered.
   */
  public static RetryPolicy defaults() {
    return new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofMinutes(15));
  }

  /** The delay after attempt {@code attempt} (from 1) threw: initial × 2^(attempt−1), capped. */
  public Duration backoff(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1 but was " + attempt);
    }
    int doublings = Math.min(attempt - 1, 40);
    long nanos = initialBackoff.toNanos();
    for (int i = 0; i < doublings && nanos < maxBackoff.toNanos(); i++) {
      nanos = nanos > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : nanos * 2;
    }
    return Duration.ofNanos(Math.min(nanos, maxBackoff.toNanos()));
  }

  /**
   * Decides what happens to a job after attempt {@code attempt} ended with {@code outcome}: the
   * one rule every implementation applies.
   */
  public Settlement settle(int attempt, Outcome outcome) {
    return switch (outcome) {
      case Outcome.Done d -> new Settlement.Remove();
      case Outcome.Fail f -> new Settlement.GiveUp(f.reason());
      case Outcome.Retry r -> attempt >= maxDeliveries
          ? new Settlement.GiveUp("gave up after " + attempt + " attempts; last: " + r.reason())
          : new Settlement.Redeliver(r.after());
    };
  }

  /**
   * Runs one attempt: the handler's outcome, or for a handler that threw (or returned nothing) a
   * {@link Outcome.Retry} after {@link #backoff}. Errors other than exceptions propagate.
   */
  public Outcome attempt(JobHandler handler, Job job) {
    try {
      Outcome outcome = handler.handle(job);
      return outcome != null ? outcome : Outcome.retryAfter(backoff(job.attempt()), "the handler returned no outcome");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.retryAfter(backoff(job.attempt()), "interrupted");
    } catch (Exception e) {
      return Outcome.retryAfter(backoff(job.attempt()), describe(e));
    }
  }

  private static String describe(Exception e) {
    String text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    return text.length() <= 500 ? text : text.substring(0, 500) + "…";
  }
}
