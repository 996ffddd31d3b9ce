package io.ultrachat.kernel.queue;

/** The work done for a job. Runs on a worker thread; may block. */
@FunctionalInterface
public interface JobHandler {
  /**
   * Handles one attempt at a job and says how it ended. Throwing counts as {@link Outcome.Retry}
   * after the {@link RetryPolicy}'s backoff for this attempt.
   */
  Outcome handle(Job job) throws Exception;
}
