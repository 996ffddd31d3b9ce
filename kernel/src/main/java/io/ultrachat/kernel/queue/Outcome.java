package io.ultrachat.kernel.queue;

import java.time.Duration;
import java.util.Objects;

/** How one attempt at a job ended; returned by a {@link JobHandler}. */
public sealed interface Outcome {
  /** The job is finished; it is removed and never handed out again. */
  record Done() implements Outcome {}

  /**
   * The attempt failed for a reason that may pass (a 503, a timeout): hand the job out again
   * after {@code after}, unless this was the last attempt the {@link RetryPolicy} allows.
   */
  record Retry(Duration after, String reason) implements Outcome {
    public Retry {
      Objects.requireNonNull(after, "after");
      Objects.requireNonNull(reason, "reason");
      if (after.isNegative()) {
        throw new IllegalArgumentException("retry delay must not be negative but was " + after);
      }
    }
  }

  /** The job can never succeed (a 410, a payload it cannot read): dead-letter it now. */
  record Fail(String reason) implements Outcome {
    public Fail {
      Objects.requireNonNull(reason, "reason");
    }
  }

  static Outcome done() {
    return new Done();
  }

  static Outcome retryAfter(Duration after, String reason) {
    return new Retry(after, reason);
  }

  static Outcome fail(String reason) {
    return new Fail(reason);
  }
}

