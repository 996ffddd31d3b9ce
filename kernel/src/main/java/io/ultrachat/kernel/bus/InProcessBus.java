package io.ultrachat.kernel.bus;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link Bus}: subscriptions in this JVM.
 *
 * <p>Design notes. Each subscription owns a bounded queue ({@code queueCapacity}) drained by
 * its own virtual thread, so a slow handler delays only itself and delivery stays in publish
 * order. A publish that finds a queue full drops the message for that subscription and counts
 * it ({@link #dropped()}), matching the at-most-once contract; publishers never block. Matching
 * walks the subscription list, which is fine for the tens of patterns one node holds.
 */
public final class InProcessBus implements Bus {
  private static final Logger LOG = LoggerFactory.getLogger(InProcessBus.class);

  private final int queueCapacity;
  private final List<Sub> subscriptions = new CopyOnWriteArrayList<>();
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean closed;

  public InProcessBus(int queueCapacity) {
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queue capacity must be at least 1 but was " + queueCapacity);
    }
    this.queueCapacity = queueCapacity;
  }

  public InProcessBus() {
    this(65_536);
  }

  @Override
  public void publish(String subject, byte[] payload) {
    Subjects.checkSubject(subject);
    if (closed) {
      throw new IllegalStateException("the bus is closed");
    }
    BusMessage message = new BusMessage(subject, payload);
    for (Sub s : subscriptions) {
      if (Subjects.matches(s.pattern, subject) && !s.queue.offer(message)) {
        dropped.incrementAndGet();
      }
    }
  }

  @Override
  public Subscription subscribe(String pattern, Consumer<BusMessage> handler) {
    Subjects.checkPattern(pattern);
    if (closed) {
      throw new IllegalStateException("the bus is closed");
    }
    Sub sub = new Sub(pattern, handler, new ArrayBlockingQueue<>(queueCapacity));
    subscriptions.add(sub);
    sub.thread = Thread.ofVirtual().name("bus-" + pattern).start(sub::drain);
    return sub;
  }

  /** Messages dropped because a subscriber's queue was full. */
  public long dropped() {
    return dropped.get();
  }

  @Override
  public void close() {
    closed = true;
    for (Sub s : subscriptions) {
      s.close();
    }
  }

  private final class Sub implements Subscription {
    final String pattern;
    final Consumer<BusMessage> handler;
    final BlockingQueue<BusMessage> queue;
    volatile Thread thread;
    volatile boolean active = true;

    Sub(String pattern, Consumer<BusMessage> handler, BlockingQueue<BusMessage> queue) {
      this.pattern = pattern;
      this.handler = handler;
      this.queue = queue;
    }

    void drain() {
      while (active) {
        BusMessage m;
        try {
          m = queue.poll(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          return;
        }
        if (m == null || !active) {
          continue;
        }
        try {
          handler.accept(m);
        } catch (RuntimeException e) {
          LOG.error("bus handler for '{}' failed on '{}'", pattern, m.subject(), e);
        }
      }
    }

    @Override
    public void close() {
      active = false;
      subscriptions.remove(this);
      Thread t = thread;
      if (t != null) {
        t.interrupt();
      }
    }
  }
}
