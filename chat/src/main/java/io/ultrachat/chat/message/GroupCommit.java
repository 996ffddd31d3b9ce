package io.ultrachat.chat.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Group commit: callers submit items one by one and wait; one committer at a time takes
 * everything that is waiting (at most {@code maxBatch}) and handles it in one go, typically one
 * database transaction, then answers each caller.
 *
 * <p>Design notes. Batches form by themselves: no timer, no linger. An item that arrives while
 * nobody is committing starts a committer at once, so an idle system pays no added latency;
 * items that arrive while a batch is being committed wait for it and make up the next one, so
 * the batch size follows the load (commit time × arrival rate). The committer is a platform
 * thread, not a virtual one: every append waits for it, and as a virtual thread it would queue for
 * a carrier behind the very senders it keeps waiting (measured: a 256-message batch took 20–40 ms
 * of waiting for 5 ms of work under load). It ends after a few idle seconds.
 *
 * <p>The batch function answers every item of its batch separately (a value or that item's
 * exception), so one bad item fails alone. If the function itself throws, every item of the
 * batch gets that exception. Thread-safe.
 *
 * @param <T> what callers submit
 * @param <R> what each caller gets back
 */
final class GroupCommit<T, R> {
  /** One item's answer: a value or the exception that item failed with. */
  record Outcome<R>(R value, RuntimeException failure) {
    static <R> Outcome<R> of(R value) {
      return new Outcome<>(value, null);
    }

    static <R> Outcome<R> failed(RuntimeException e) {
      return new Outcome<>(null, e);
    }
  }

  private record Pending<T, R>(T item, CompletableFuture<R> answer) {}

  private final int maxBatch;
  private final Function<List<T>, List<Outcome<R>>> commit;
  private final Queue<Pending<T, R>> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean committing = new AtomicBoolean();
  private final Executor committer;

  /**
   * @param name the committer threads' name, for thread dumps
   * @param maxBatch most items per batch
   * @param commit handles one batch; returns one outcome per item, in batch order
   */
  GroupCommit(String name, int maxBatch, Function<List<T>, List<Outcome<R>>> commit) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1 but was " + maxBatch);
    }
    this.maxBatch = maxBatch;
    this.commit = commit;
    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        Thread.ofPlatform().name(name).daemon(true).factory());
    pool.allowCoreThreadTimeOut(true);
    this.committer = pool;
  }

  /**
   * Submits an item and waits until its batch was handled.
   *
   * @return the item's value
   * @throws RuntimeException the item's own exception, as the batch function gave it
   */
  R submit(T item) {
    CompletableFuture<R> answer = new CompletableFuture<>();
    waiting.add(new Pending<>(item, answer));
    startCommitter();
    try {
      return answer.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      // The item may still be committed by the running batch; the caller's retry (idempotent by
      // client id) finds out.
      throw new IllegalStateException("interrupted while waiting for the commit", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new CompletionException(e.getCause());
    }
  }

  private void startCommitter() {
    if (committing.compareAndSet(false, true)) {
      committer.execute(this::drain);
    }
  }

  private void drain() {
    try {
      List<Pending<T, R>> batch;
      while (!(batch = take()).isEmpty()) {
        run(batch);
      }
    } finally {
      committing.set(false);
      // An item added after the last take() but before the flag was cleared found a committer
      // running and did not start one: start it now.
      if (!waiting.isEmpty()) {
        startCommitter();
      }
    }
  }

  private List<Pending<T, R>> take() {
    List<Pending<T, R>> batch = new ArrayList<>();
    Pending<T, R> p;
    while (batch.size() < maxBatch && (p = waiting.poll()) != null) {
      batch.add(p);
    }
    return batch;
  }

  private void run(List<Pending<T, R>> batch) {
    List<Outcome<R>> outcomes;
    try {
      outcomes = commit.apply(batch.stream().map(Pending::item).toList());
      if (outcomes.size() != batch.size()) {
        throw new IllegalStateException("a batch of " + batch.size() + " got " + outcomes.size() + " outcomes");
      }
    } catch (RuntimeException | Error e) {
      for (Pending<T, R> p : batch) {
        p.answer.completeExceptionally(e);
      }
      if (e instanceof Error error) {
        throw error;
      }
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      Outcome<R> o = outcomes.get(i);
      if (o.failure() != null) {
        batch.get(i).answer.completeExceptionally(o.failure());
      } else {
        batch.get(i).answer.complete(o.value());
      }
    }
  }
}
