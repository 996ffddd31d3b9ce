package io.ultrachat.gateway.proxy;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One instance of a service as the gateway tracks it: in rotation or not, and how much it is
 * doing. Fields are read on every event loop and written by the health checker and by requests,
 * so they are volatile or atomic; decisions made on a slightly stale view are harmless (one
 * more request to an instance that just went out fails over or is retried).
 *
 * <p>An instance is in rotation when it is <b>healthy</b> (no {@code healthFailures} failed probes
 * in a row and no connect error since its last passing probe), not <b>draining</b> and still
 * <b>registered</b>. New instances start healthy, so a fresh gateway routes at once; a dead one
 * is out after its first connect error or failed probes.
 */
final class Member {
  final String service;
  final Instance instance;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger failedProbes = new AtomicInteger();
  private volatile boolean healthy = true;
  private volatile boolean draining;
  private volatile boolean registered = true;

  Member(String service, Instance instance) {
    this.service = service;
    this.instance = instance;
  }

  boolean inRotation() {
    return healthy && !draining && registered;
  }

  boolean healthy() {
    return healthy;
  }

  boolean draining() {
    return draining || !registered;
  }

  int inFlight() {
    return inFlight.get();
  }

  void begin() {
    inFlight.incrementAndGet();
  }

  void end() {
    inFlight.decrementAndGet();
  }

  /** A passing probe puts the instance back at once. @return true if it was out */
  boolean probePassed() {
    failedProbes.set(0);
    boolean wasOut = !healthy;
    healthy = true;
    return wasOut;
  }

  /** @return true if this failure took the instance out */
  boolean probeFailed(int threshold) {
    if (failedProbes.incrementAndGet() >= threshold && healthy) {
      healthy = false;
      return true;
    }
    return false;
  }

  /** Passive ejection: a connect error takes the instance out until a probe passes. @return true if it was in */
  boolean eject() {
    boolean was = healthy;
    healthy = false;
    return was;
  }

  void drain() {
    draining = true;
  }

  void undrain() {
    draining = false;
  }

  void deregistered() {
    registered = false;
  }

  @Override
  public String toString() {
    return service + "/" + instance.id();
  }
}
