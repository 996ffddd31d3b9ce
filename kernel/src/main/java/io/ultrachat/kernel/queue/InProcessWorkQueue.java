package io.ultrachat.kernel.queue;

import io.ultrachat.kernel.error.Unavailable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link WorkQueue}: jobs in this JVM's memory, lost when the process ends.
 *
 * <p>Design notes. Each queue has a FIFO of ready jobs and its workers, guarded by one lock per
 * queue; {@link #dispatch} hands ready jobs to workers with free slots (round robin) and every
 * handler runs on its own virtual thread, so a worker's concurrency is the number of its
 * handlers running at once. A job waiting for a retry sits on the injected scheduler, not in the
 * FIFO, and goes back to the FIFO when its delay ends. Capacity bounds the jobs stored (ready,
 * running and waiting to retry, over all queues): {@code enqueue} past it fails with {@link
 * Unavailable} instead of growing memory without limit. Dead letters are kept per queue, the
 * newest {@code deadLetterCapacity}.
 */
public final class InProcessWorkQueue implements WorkQueue {
  private static final Logger LOG = LoggerFactory.getLogger(InProcessWorkQueue.class);
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);

  private final int capacity;
  private final int deadLetterCapacity;
  private final RetryPolicy policy;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final Map<String, QueueState> queues = new ConcurrentHashMap<>();
  private final AtomicInteger stored = new AtomicInteger();
  private final AtomicLong ids = new AtomicLong();
  private volatile boolean closed;

  /**
   * @param capacity jobs stored at most, over all queues
   * @param scheduler runs retry timers; owned by the caller
   */
  public InProcessWorkQueue(int capacity, int deadLetterCapacity, RetryPolicy policy, Clock clock, ScheduledExecutorService scheduler) {
    this(capacity, deadLetterCapacity, policy, clock, scheduler, false);
  }

  /** With a scheduler thread of its own, stopped by {@link #close()}. */
  public InProcessWorkQueue(int capacity, RetryPolicy policy, Clock clock) {
    this(capacity, 10_000, policy, clock, Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("workqueue-timer").daemon().factory()), true);
  }

  private InProcessWorkQueue(int capacity, int deadLetterCapacity, RetryPolicy policy, Clock clock, ScheduledExecutorService scheduler, boolean ownsScheduler) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1 but was " + capacity);
    }
    if (deadLetterCapacity < 1) {
      throw new IllegalArgumentException("deadLetterCapacity must be at least 1 but was " + deadLetterCapacity);
    }
    if (policy == null || clock == null || scheduler == null) {
      throw new IllegalArgumentException("policy, clock and scheduler are required");
    }
    this.capacity = capacity;
    this.deadLetterCapacity = deadLetterCapacity;
    this.policy = policy;
    this.clock = clock;
    this.scheduler = scheduler;
    this.ownsScheduler = ownsScheduler;
  }

  @Override
  public void enqueue(String queue, byte[] payload) {
    WorkQueueArguments.checkQueue(queue);
    WorkQueueArguments.checkPayload(payload);
    checkOpen();
    if (stored.incrementAndGet() > capacity) {
      stored.decrementAndGet();
      throw new Unavailable("the work queue is full (" + capacity + " jobs); try again later");
    }
    QueueState q = state(queue);
    q.lock.lock();
    try {
      q.ready.addLast(new StoredJob(Long.toString(ids.incrementAndGet()), payload.clone()));
    } finally {
      q.lock.unlock();
    }
    dispatch(q);
  }

  @Override
  public Worker consume(String queue, int concurrency, JobHandler handler) {
    WorkQueueArguments.checkQueue(queue);
    WorkQueueArguments.checkConcurrency(concurrency);
    WorkQueueArguments.checkHandler(handler);
    checkOpen();
    QueueState q = state(queue);
    LocalWorker worker = new LocalWorker(q, concurrency, handler);
    q.lock.lock();
    try {
      q.workers.add(worker);
    } finally {
      q.lock.unlock();
    }
    dispatch(q);
    return worker;
  }

  @Override
  public List<DeadLetter> deadLetters(String queue, int limit) {
    WorkQueueArguments.checkQueue(queue);
    WorkQueueArguments.checkLimit(limit);
    QueueState q = queues.get(queue);
    if (q == null) {
      return List.of();
    }
    q.lock.lock();
    try {
      return q.dead.stream().limit(limit).toList();
    } finally {
      q.lock.unlock();
    }
  }

  /** Jobs stored now: ready, running or waiting for a retry. */
  public int size() {
    return stored.get();
  }

  @Override
  public void close() {
    closed = true;
    for (QueueState q : queues.values()) {
      List<LocalWorker> workers;
      q.lock.lock();
      try {
        workers = new ArrayList<>(q.workers);
      } finally {
        q.lock.unlock();
      }
      workers.forEach(LocalWorker::close);
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the work queue is closed");
    }
  }

  private QueueState state(String queue) {
    return queues.computeIfAbsent(queue, QueueState::new);
  }

  /** Hands ready jobs to workers with free slots until either runs out. */
  private void dispatch(QueueState q) {
    q.lock.lock();
    try {
      while (!q.ready.isEmpty() && !q.workers.isEmpty()) {
        LocalWorker worker = null;
        for (int i = 0; i < q.workers.size(); i++) {
          LocalWorker candidate = q.workers.get(Math.floorMod(q.nextWorker++, q.workers.size()));
          if (candidate.running < candidate.concurrency) {
            worker = candidate;
            break;
          }
        }
        if (worker == null) {
          return;
        }
        StoredJob job = q.ready.pollFirst();
        job.attempts++;
        worker.running++;
        Job attempt = new Job(job.id, q.name, job.payload.clone(), job.attempts);
        LocalWorker chosen = worker;
        chosen.threads.execute(() -> run(q, chosen, job, attempt));
      }
    } finally {
      q.lock.unlock();
    }
  }

  /** On the job's virtual thread: one attempt, then its settlement. */
  private void run(QueueState q, LocalWorker worker, StoredJob job, Job attempt) {
    Outcome outcome = Outcome.retryAfter(policy.backoff(attempt.attempt()), "the handler did not finish");
    try {
      outcome = policy.attempt(worker.handler, attempt);
    } finally {
      settle(q, job, attempt, outcome);
      q.lock.lock();
      try {
        worker.running--;
        worker.idle.signalAll();
      } finally {
        q.lock.unlock();
      }
      dispatch(q);
    }
  }

  private void settle(QueueState q, StoredJob job, Job attempt, Outcome outcome) {
    switch (policy.settle(attempt.attempt(), outcome)) {
      case Settlement.Remove r -> stored.decrementAndGet();
      case Settlement.GiveUp g -> {
        stored.decrementAndGet();
        q.lock.lock();
        try {
          if (q.dead.size() >= deadLetterCapacity) {
            q.dead.pollFirst();
          }
          q.dead.addLast(new DeadLetter(job.id, q.name, job.payload.clone(), attempt.attempt(), g.reason(), clock.instant()));
        } finally {
          q.lock.unlock();
        }
        LOG.warn("job {} on queue '{}' dead-lettered after {} attempts: {}", job.id, q.name, attempt.attempt(), g.reason());
      }
      case Settlement.Redeliver r -> {
        if (closed) {
          return;
        }
        scheduler.schedule(() -> {
          q.lock.lock();
          try {
            q.ready.addLast(job);
          } finally {
            q.lock.unlock();
          }
          dispatch(q);
        }, r.after().toNanos(), TimeUnit.NANOSECONDS);
      }
    }
  }

  /** A stored job; {@code attempts} is guarded by its queue's lock. */
  private static final class StoredJob {
    final String id;
    final byte[] payload;
    int attempts;

    StoredJob(String id, byte[] payload) {
      this.id = id;
      this.payload = payload;
    }
  }

  /** One queue's jobs and workers; every field is guarded by {@code lock}. */
  private static final class QueueState {
    final String name;
    final ReentrantLock lock = new ReentrantLock();
    final Deque<StoredJob> ready = new ArrayDeque<>();
    final List<LocalWorker> workers = new ArrayList<>();
    final Deque<DeadLetter> dead = new ArrayDeque<>();
    int nextWorker;

    QueueState(String name) {
      this.name = name;
    }
  }

  private final class LocalWorker implements Worker {
    final QueueState q;
    final int concurrency;
    final JobHandler handler;
    final ExecutorService threads;
    final Condition idle;
    /** Handlers running now; guarded by the queue's lock. */
    int running;

    LocalWorker(QueueState q, int concurrency, JobHandler handler) {
      this.q = q;
      this.concurrency = concurrency;
      this.handler = handler;
      this.threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("workqueue-" + q.name + "-", 0).factory());
      this.idle = q.lock.newCondition();
    }

    @Override
    public void close() {
      long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
      q.lock.lock();
      try {
        q.workers.remove(this);
        while (running > 0) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            LOG.warn("closed a worker of queue '{}' with {} handlers still running; their jobs settle when they end", q.name, running);
            break;
          }
          idle.awaitNanos(left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        q.lock.unlock();
      }
      threads.shutdown();
    }
  }
}
