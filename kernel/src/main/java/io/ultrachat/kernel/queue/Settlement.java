package io.ultrachat.kernel.queue;

import java.time.Duration;

/**
 * What a {@link WorkQueue} implementation does with a job after an attempt, decided by {@link
 * RetryPolicy#settle} so every implementation applies the one rule.
 */
public sealed interface Settlement {
  /** Remove the job: it is done. */
  record Remove() implements Settlement {}

  /** Hand the job out again after {@code after}. */
  record Redeliver(Duration after) implements Settlement {}

  /** Move the job to the dead letters. */
  record GiveUp(String reason) implements Settlement {}
}
