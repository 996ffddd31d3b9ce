package io.ultrachat.bus.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Options;
import io.ultrachat.kernel.bus.Bus;
import io.ultrachat.kernel.bus.BusMessage;
import io.ultrachat.kernel.bus.Subjects;
import io.ultrachat.kernel.bus.SubscriberQueue;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scaled {@link Bus}: core NATS subjects, so every node hears what any node publishes.
 *
 * <p>Design notes. One {@link Connection} per bus, and one shared jnats {@link Dispatcher}
 * whose thread only routes: each incoming message is copied into the bounded queue of its
 * subscription and the thread moves on. Each subscription drains its queue in order on a
 * virtual thread that exists only while the queue has messages ({@link SubscriberQueue}, as in {@code InProcessBus}),
 * so a slow handler delays only its own subscription, handlers never run on a publisher's or the
 * dispatcher's thread, and an idle subscription costs a few objects rather than a thread (the
 * realtime edge holds one per connected user). A full subscription queue drops and counts
 * ({@link #dropped()}), as does jnats when its dispatcher falls behind (slow consumer) or when
 * its outgoing buffer is full: the bus is at most once, and publishers never block.
 *
 * <p>Reconnects: jnats reconnects forever with backoff, buffers publishes while disconnected
 * (up to {@link Settings#reconnectBufferBytes()}; beyond it they are dropped and counted) and
 * resubscribes every subscription after a reconnect. {@link #subscribe} waits for one round trip
 * to the server so that, as the {@link Bus} contract says, messages published anywhere after it
 * returns are delivered.
 */
public final class NatsBus implements Bus {
  private static final Logger LOG = LoggerFactory.getLogger(NatsBus.class);
  /** The setting that holds the URL, named in configuration errors. */
  public static final String URL_SETTING = "bus.nats-url";

  /**
   * @param url one or more comma-separated {@code nats://} URLs, credentials allowed
   * @param queueCapacity messages each subscription may hold before it drops
   * @param reconnectBufferBytes publishes kept while disconnected
   * @param subscribeRoundTrip how long {@link #subscribe} waits for the server to confirm the
   *     interest before returning anyway (it is then registered when the connection heals)
   */
  public record Settings(String url, String connectionName, int queueCapacity, Duration connectTimeout,
      Duration reconnectWait, long reconnectBufferBytes, Duration subscribeRoundTrip) {
    public Settings {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(connectionName, "connectionName");
      if (queueCapacity < 1) {
        throw new IllegalArgumentException("queueCapacity must be at least 1 but was " + queueCapacity);
      }
      if (connectTimeout.isNegative() || connectTimeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive but was " + connectTimeout);
      }
      if (reconnectWait.isNegative() || reconnectWait.isZero()) {
        throw new IllegalArgumentException("reconnectWait must be positive but was " + reconnectWait);
      }
      if (reconnectBufferBytes < 0) {
        throw new IllegalArgumentException("reconnectBufferBytes must not be negative but was " + reconnectBufferBytes);
      }
    }

    public static Settings of(String url) {
      return new Settings(url, "ultrachat", 65_536, Duration.ofSeconds(2), Duration.ofSeconds(1), 8L * 1024 * 1024, Duration.ofSeconds(2));
    }

    public Settings withReconnectWait(Duration wait) {
      return new Settings(url, connectionName, queueCapacity, connectTimeout, wait, reconnectBufferBytes, subscribeRoundTrip);
    }

    public Settings withQueueCapacity(int capacity) {
      return new Settings(url, connectionName, capacity, connectTimeout, reconnectWait, reconnectBufferBytes, subscribeRoundTrip);
    }
  }

  private final Settings settings;
  private final Connection connection;
  private final Dispatcher dispatcher;
  private final ExecutorService drainers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("nats-bus-", 0).factory());
  private final Set<Sub> subscriptions = ConcurrentHashMap.newKeySet();
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong droppedQueueFull = new AtomicLong();
  private final AtomicLong droppedOutgoing = new AtomicLong();
  private volatile boolean closed;

  /**
   * Connects, failing fast.
   *
   * @throws IllegalStateException if the server cannot be reached; the message names the URL
   *     (without credentials) and {@value #URL_SETTING}
   * @throws IllegalArgumentException if the URL is malformed
   */
  public NatsBus(Settings settings) {
    this.settings = settings;
    Options options = NatsConnections.options(settings.url(), URL_SETTING, settings.connectionName(),
            settings.connectTimeout(), settings.reconnectWait())
        .reconnectBufferSize(settings.reconnectBufferBytes())
        // Publish must never block: when the outgoing queue is full, drop (and count) instead.
        .discardMessagesWhenOutgoingQueueFull()
        .connectionListener(new Listener(disconnects))
        .errorListener(new Errors())
        .build();
    this.connection = NatsConnections.connect(options, settings.url(), URL_SETTING);
    this.dispatcher = connection.createDispatcher();
    LOG.info("bus connected to NATS at {}", NatsConnections.redact(connection.getConnectedUrl() == null ? settings.url() : connection.getConnectedUrl()));
  }

  public NatsBus(String url) {
    this(Settings.of(url));
  }

  @Override
  public void publish(String subject, byte[] payload) {
    Subjects.checkSubject(subject);
    checkOpen();
    try {
      connection.publish(subject, payload);
      published.incrementAndGet();
    } catch (IllegalStateException e) {
      // Disconnected with the reconnect buffer full: drop, as the at-most-once contract allows.
      droppedOutgoing.incrementAndGet();
      LOG.debug("dropped a publish to '{}': {}", subject, e.getMessage());
    }
  }

  private final java.util.concurrent.atomic.AtomicLong disconnects = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.locks.ReentrantLock flushLock = new java.util.concurrent.locks.ReentrantLock();
  private final java.util.concurrent.atomic.AtomicLong subscribed = new java.util.concurrent.atomic.AtomicLong();
  /** Subscriptions up to this count are confirmed by a completed round trip; under {@link #flushLock}. */
  private long confirmedUpTo;

  @Override
  public Subscription subscribe(String pattern, Consumer<BusMessage> handler) {
    Subjects.checkPattern(pattern);
    Objects.requireNonNull(handler, "handler");
    checkOpen();
    Sub sub = new Sub(pattern, handler);
    sub.natsSubscription = dispatcher.subscribe(pattern, sub::offer);
    subscriptions.add(sub);
    confirmInterest();
    return sub;
  }

  /**
   * Waits one round trip so the server has registered the interest before we return.
   *
   * <p>Round trips are coalesced: one flush at a time, and a subscription made before a flush
   * began is confirmed by it, so a waiter whose SUB an earlier flush already covered returns
   * without one of its own. Found by the cluster benchmark: thousands of connections subscribing
   * at once each sent a PING of their own, and more PINGs in flight than {@code maxPingsOut} made
   * the client declare the connection stale and reconnect, again and again.
   */
  private void confirmInterest() {
    if (connection.getStatus() != Connection.Status.CONNECTED) {
      return;
    }
    long mine = subscribed.incrementAndGet();
    flushLock.lock();
    try {
      if (confirmedUpTo >= mine) {
        return;
      }
      long covered = subscribed.get();
      connection.flush(settings.subscribeRoundTrip());
      confirmedUpTo = covered;
    } catch (TimeoutException e) {
      LOG.debug("the server did not confirm a subscription within {}", settings.subscribeRoundTrip());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      flushLock.unlock();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the bus is closed");
    }
  }

  /** How often the connection was lost since start; for metrics and tests. */
  public long disconnects() {
    return disconnects.get();
  }

  /** Whether the connection is up now; for the readiness probe. */
  public boolean connected() {
    return connection.getStatus() == Connection.Status.CONNECTED;
  }

  /** Messages handed to the client for sending. */
  public long published() {
    return published.get();
  }

  /** Messages handed to subscription handlers. */
  public long delivered() {
    return delivered.get();
  }

  /**
   * Messages lost on this node: subscription queues that were full, messages jnats dropped
   * because its dispatcher fell behind, and publishes dropped while disconnected or with the
   * outgoing queue full.
   */
  public long dropped() {
    return droppedQueueFull.get() + droppedOutgoing.get() + dispatcher.getDroppedCount();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    subscriptions.forEach(Sub::deactivate);
    subscriptions.clear();
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    drainers.shutdown();
  }

  private final class Sub implements Subscription {
    final String pattern;
    final SubscriberQueue queue;
    volatile io.nats.client.Subscription natsSubscription;

    Sub(String pattern, Consumer<BusMessage> handler) {
      this.pattern = pattern;
      this.queue = new SubscriberQueue(pattern, handler, settings.queueCapacity(), drainers, delivered::incrementAndGet);
    }

    /** On the dispatcher's thread: queue and return at once. */
    void offer(Message m) {
      byte[] data = m.getData();
      if (!queue.offer(new BusMessage(m.getSubject(), data == null ? new byte[0] : data))) {
        droppedQueueFull.incrementAndGet();
      }
    }

    void deactivate() {
      queue.deactivate();
    }

    @Override
    public void close() {
      deactivate();
      if (subscriptions.remove(this) && !closed) {
        try {
          dispatcher.unsubscribe(natsSubscription);
        } catch (IllegalStateException e) {
          LOG.debug("unsubscribe from '{}' after the connection closed", pattern);
        }
      }
    }
  }

  private static final class Listener implements ConnectionListener {
    private final java.util.concurrent.atomic.AtomicLong disconnects;

    Listener(java.util.concurrent.atomic.AtomicLong disconnects) {
      this.disconnects = disconnects;
    }

    @Override
    public void connectionEvent(Connection conn, Events type) {
      switch (type) {
        case DISCONNECTED -> {
          disconnects.incrementAndGet();
          LOG.warn("bus lost its NATS connection; reconnecting");
        }
        case RECONNECTED -> LOG.info("bus reconnected to NATS at {}", NatsConnections.redact(String.valueOf(conn.getConnectedUrl())));
        case LAME_DUCK -> LOG.info("the NATS server is entering lame duck mode; the bus will move to another server");
        default -> LOG.debug("bus NATS connection event {}", type);
      }
    }
  }

  private final class Errors implements ErrorListener {
    @Override
    public void errorOccurred(Connection conn, String error) {
      LOG.warn("NATS error on the bus connection: {}", error);
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception e) {
      LOG.warn("NATS exception on the bus connection: {}", e.toString());
    }

    @Override
    public void slowConsumerDetected(Connection conn, io.nats.client.Consumer consumer) {
      // Counted by the dispatcher itself (dropped()); log, but not for every message.
      LOG.warn("the bus dispatcher fell behind and NATS dropped messages ({} so far)", consumer.getDroppedCount());
    }

    @Override
    public void messageDiscarded(Connection conn, Message msg) {
      droppedOutgoing.incrementAndGet();
    }
  }
}
