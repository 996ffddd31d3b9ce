package io.ultrachat.gateway.proxy;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one instance registered in a {@link KeyValueRegistry} while it runs: {@link #start}
 * registers it and re-registers it every {@code interval} with a time to live of {@code ttl};
 * {@link #stop} stops beating and deregisters it, so gateways stop routing to it at their next
 * refresh (and drain what they have in flight). If the process dies, the entry expires after
 * {@code ttl}.
 *
 * <p>Beats run on the injected scheduler's thread, never an event loop (the registry may block
 * on Redis). A failed beat is logged and the next one tries again; the TTL being a few
 * intervals long is what tolerates that. Thread-safe.
 */
public final class RegistryHeartbeat implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryHeartbeat.class);

  private final KeyValueRegistry registry;
  private final String service;
  private final Instance self;
  private final Duration ttl;
  private final Duration interval;
  private final ScheduledExecutorService scheduler;
  private Optional<ScheduledFuture<?>> beating = Optional.empty();

  /**
   * @param ttl how long the entry lives without a beat; must be longer than {@code interval}
   *     (three intervals is a good choice, so one or two missed beats do not drop the instance)
   */
  public RegistryHeartbeat(KeyValueRegistry registry, String service, Instance self, Duration ttl, Duration interval,
      ScheduledExecutorService scheduler) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("heartbeat interval must be positive but was " + interval);
    }
    if (ttl.compareTo(interval) <= 0) {
      throw new IllegalArgumentException("registry TTL (" + ttl + ") must be longer than the heartbeat interval (" + interval
          + "), or the instance would flicker out between beats");
    }
    this.registry = registry;
    this.service = service;
    this.self = self;
    this.ttl = ttl;
    this.interval = interval;
    this.scheduler = scheduler;
  }

  /** Registers now and then every interval. Calling it twice has no further effect. */
  public synchronized void start() {
    if (beating.isPresent()) {
      return;
    }
    beating = Optional.of(scheduler.scheduleAtFixedRate(this::beat, 0, interval.toMillis(), TimeUnit.MILLISECONDS));
  }

  /** One registration; {@link #start} calls it on every beat. Never throws. */
  public void beat() {
    try {
      registry.register(service, self, ttl);
    } catch (RuntimeException e) {
      LOG.warn("registry heartbeat of {} {} failed; retrying in {}: {}", service, self.id(), interval, e.getMessage());
    }
  }

  /** Stops beating and deregisters the instance. Safe to call more than once. */
  public synchronized void stop() {
    beating.ifPresent(f -> f.cancel(false));
    beating = Optional.empty();
    try {
      registry.deregister(service, self.id());
    } catch (RuntimeException e) {
      LOG.warn("could not deregister {} {}; it expires within {}: {}", service, self.id(), ttl, e.getMessage());
    }
  }

  @Override
  public void close() {
    stop();
  }
}
