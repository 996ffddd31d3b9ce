package io.ultrachat.kernel.bus;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription's messages on their way to its handler, for {@link Bus} implementations.
 *
 * <p>Design notes. A bounded queue drained in publish order by a task on {@code drainers} (a
 * virtual thread) that exists only while the queue has messages, so a slow handler delays only
 * itself and an idle subscription costs a few small objects (the realtime edge holds one per
 * connected user). {@link #offer} never blocks: a full queue drops the message and says so, which
 * is the bus's at-most-once contract. A handler that throws is logged and the next message goes
 * on. Thread-safe; {@link #offer} may be called from any number of threads.
 */
public final class SubscriberQueue {
  private static final Logger LOG = LoggerFactory.getLogger(SubscriberQueue.class);

  private final String pattern;
  private final Consumer<BusMessage> handler;
  private final int capacity;
  private final Executor drainers;
  private final Runnable onDelivered;
  private final Queue<BusMessage> queue = new ConcurrentLinkedQueue<>();
  /** Messages queued and not yet taken by the handler; bounded by the capacity. */
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();
  private volatile boolean active = true;

  /**
   * @param pattern the subscription's pattern, for logs
   * @param onDelivered runs after each message the handler took without throwing (for counters)
   */
  public SubscriberQueue(String pattern, Consumer<BusMessage> handler, int capacity, Executor drainers, Runnable onDelivered) {
    if (capacity < 1) {
      throw new IllegalArgumentException("queue capacity must be at least 1 but was " + capacity);
    }
    this.pattern = pattern;
    this.handler = handler;
    this.capacity = capacity;
    this.drainers = drainers;
    this.onDelivered = onDelivered;
  }

  /**
   * Queues a message for the handler.
   *
   * @return false if the queue was full and the message is dropped (the caller counts it);
   *     true otherwise, including after {@link #deactivate()}, when it is ignored
   */
  public boolean offer(BusMessage message) {
    if (!active) {
      return true;
    }
    if (queued.incrementAndGet() > capacity) {
      queued.decrementAndGet();
      return false;
    }
    queue.add(message);
    startDrainer();
    return true;
  }

  /** Stops delivering: queued messages are discarded, later offers ignored. */
  public void deactivate() {
    active = false;
    queue.clear();
  }

  private void startDrainer() {
    if (draining.compareAndSet(false, true)) {
      try {
        drainers.execute(this::drain);
      } catch (RejectedExecutionException e) {
        draining.set(false); // the bus is closing
      }
    }
  }

  /** Hands queued messages to the handler one at a time, in order, then ends. */
  private void drain() {
    try {
      BusMessage m;
      while (active && (m = queue.poll()) != null) {
        queued.decrementAndGet();
        try {
          handler.accept(m);
          onDelivered.run();
        } catch (RuntimeException e) {
          LOG.error("bus handler for '{}' failed on '{}'", pattern, m.subject(), e);
        }
      }
    } finally {
      draining.set(false);
      // A message queued after the last poll found the drainer still running: drain it now.
      if (active && !queue.isEmpty()) {
        startDrainer();
      }
    }
  }
}
