package io.ultrachat.kernel.queue;

import java.util.List;

/**
 * Durable background jobs (webhook deliveries, reminders): producers {@linkplain #enqueue
 * enqueue} opaque payloads on a named queue and workers {@linkplain #consume consume} them. The
 * embedded implementation keeps jobs in memory; the scaled one keeps them in NATS JetStream.
 *
 * <p>The contract, for every implementation:
 * <ul>
 *   <li><b>At least once.</b> A job is handed to a handler until an attempt ends in {@link
 *       Outcome.Done} or the job is dead-lettered. A handler may therefore see a job more than
 *       once (after a crash, a lost ack or a handler that outlives the implementation's ack
 *       timeout) and must be idempotent, for example by keying its effect on {@link Job#id()}.
 *   <li><b>Retry.</b> {@link Outcome.Retry} hands the job out again after the requested delay; a
 *       handler that throws is retried after the {@link RetryPolicy}'s exponential backoff.
 *   <li><b>Dead letters.</b> A job whose handler returns {@link Outcome.Fail}, or whose attempt
 *       number reaches {@link RetryPolicy#maxDeliveries()} without success, is moved to the
 *       queue's dead letters ({@link #deadLetters}) and never handed out again.
 *   <li><b>No order.</b> Jobs are usually handed out in enqueue order, but retries and
 *       concurrency reorder them; nothing may depend on order.
 *   <li><b>Threads.</b> Handlers run on worker threads of the implementation (virtual threads),
 *       never on the caller of {@code enqueue} or {@code consume}; blocking in a handler is fine.
 *       A worker runs at most {@code concurrency} handlers at once.
 *   <li><b>Durability.</b> {@code enqueue} returns once the job is stored. For a durable
 *       implementation that means it survives a restart of this process and of the broker; the
 *       in-process implementation loses its jobs when the process ends.
 * </ul>
 *
 * <p>Implementations are thread-safe. Queue names are 1 to 64 letters, digits, {@code _} or
 * {@code -} ({@link WorkQueueArguments}).
 */
public interface WorkQueue extends AutoCloseable {
  /** Largest payload a job may carry; bigger data belongs in a store, referenced by id. */
  int MAX_PAYLOAD_BYTES = 512 * 1024;

  /**
   * Stores a job and returns once it is stored.
   *
   * @throws IllegalArgumentException if the queue name is malformed or the payload is larger
   *     than {@link #MAX_PAYLOAD_BYTES}
   * @throws io.ultrachat.kernel.error.Unavailable if the job could not be stored (the queue is
   *     full or the broker cannot be reached); the job was not stored and the caller may retry
   * @throws IllegalStateException if this work queue is closed
   */
  void enqueue(String queue, byte[] payload);

  /**
   * Starts a worker that runs {@code handler} for jobs of {@code queue}, at most {@code
   * concurrency} at a time. Several workers (in this process or on other nodes) may consume one
   * queue; each job goes to one of them at a time.
   *
   * @throws IllegalArgumentException if the queue name is malformed or {@code concurrency} is
   *     not between 1 and 1024
   * @throws IllegalStateException if this work queue is closed
   */
  Worker consume(String queue, int concurrency, JobHandler handler);

  /**
   * The oldest dead letters of a queue, at most {@code limit}, oldest first. Implementations
   * may keep dead letters for a bounded time or count only.
   *
   * @throws IllegalArgumentException if the queue name is malformed or {@code limit} is not
   *     between 1 and 10,000
   */
  List<DeadLetter> deadLetters(String queue, int limit);

  /** Stops every worker of this work queue (as {@link Worker#close()}) and releases resources. */
  @Override
  void close();

  /** A running consumer of one queue. */
  interface Worker extends AutoCloseable {
    /**
     * Stops taking jobs and waits a bounded time for running handlers to finish and settle
     * their jobs. Jobs not settled by then are handed out again later, so nothing is lost.
     */
    @Override
    void close();
  }
}
