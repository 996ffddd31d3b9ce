package io.ultrachat.kernel.queue;

/**
 * One attempt at a job, as handed to a {@link JobHandler}.
 *
 * @param id stable across attempts and unique within the queue; the key for idempotent effects
 * @param queue the queue the job was enqueued on
 * @param payload the bytes given to {@link WorkQueue#enqueue} (a copy; the handler may keep it)
 * @param attempt which attempt this is, from 1
 */
public record Job(String id, String queue, byte[] payload, int attempt) {
  public Job {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1 but was " + attempt);
    }
  }
}
