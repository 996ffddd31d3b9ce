package io.ultrachat.kernel.bus;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The embedded {@link Bus}: subscriptions in this JVM.
 *
 * <p>Design notes. Each subscription owns a {@link SubscriberQueue} of {@code queueCapacity}
 * messages, drained in order on a virtual thread only while it has work. A publish that finds a
 * queue full drops the message for that subscription and counts it ({@link #dropped()}),
 * matching the at-most-once contract; publishers never block. Subscriptions to a concrete subject are found by a map lookup; only
 * patterns with wildcards are matched one by one, so a publish costs the same with tens of
 * thousands of subject subscriptions as with ten.
 */
public final class InProcessBus implements Bus {
  private final int queueCapacity;
  /** Subscriptions to concrete subjects, by subject. */
  private final Map<String, List<Sub>> exact = new ConcurrentHashMap<>();
  /** Subscriptions to patterns with {@code *} or {@code >}. */
  private final List<Sub> wildcards = new CopyOnWriteArrayList<>();
  private final Executor drainers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("bus-", 0).factory());
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
    List<Sub> subs = exact.get(subject);
    if (subs != null) {
      for (Sub s : subs) {
        s.offer(message);
      }
    }
    for (Sub s : wildcards) {
      if (Subjects.matches(s.pattern, subject)) {
        s.offer(message);
      }
    }
  }

  @Override
  public Subscription subscribe(String pattern, Consumer<BusMessage> handler) {
    Subjects.checkPattern(pattern);
    if (closed) {
      throw new IllegalStateException("the bus is closed");
    }
    Sub sub = new Sub(pattern, handler);
    if (isWildcard(pattern)) {
      wildcards.add(sub);
    } else {
      exact.compute(pattern, (p, list) -> {
        List<Sub> out = list == null ? new CopyOnWriteArrayList<>() : list;
        out.add(sub);
        return out;
      });
    }
    return sub;
  }

  private static boolean isWildcard(String pattern) {
    for (String token : pattern.split("\\.")) {
      if (token.equals("*") || token.equals(">")) {
        return true;
      }
    }
    return false;
  }

  /** Messages dropped because a subscriber's queue was full. */
  public long dropped() {
    return dropped.get();
  }

  @Override
  public void close() {
    closed = true;
    wildcards.forEach(Sub::close);
    exact.values().forEach(list -> list.forEach(Sub::close));
  }

  private final class Sub implements Subscription {
    final String pattern;
    final SubscriberQueue queue;

    Sub(String pattern, Consumer<BusMessage> handler) {
      this.pattern = pattern;
      this.queue = new SubscriberQueue(pattern, handler, queueCapacity, drainers, () -> { });
    }

    void offer(BusMessage m) {
      if (!queue.offer(m)) {
        dropped.incrementAndGet();
      }
    }

    @Override
    public void close() {
      queue.deactivate();
      if (isWildcard(pattern)) {
        wildcards.remove(this);
      } else {
        exact.computeIfPresent(pattern, (p, list) -> {
          list.remove(this);
          return list.isEmpty() ? null : list;
        });
      }
    }
  }
}
