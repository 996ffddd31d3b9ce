package io.ultrachat.gateway;

import io.ultrachat.kernel.kv.KeyValue;
import java.time.Clock;
import java.time.Duration;

/**
 * A limit of {@code requests} per {@code window} for each key (a client address or a user) of
 * one family of requests. Thread-safe; {@link #acquire} may block on a shared store, so the
 * gateway calls it on the request's virtual thread, never on an event loop.
 */
public interface RateLimiter {
  /**
   * Takes one request from the key's allowance.
   *
   * @throws io.ultrachat.kernel.error.RateLimited with a {@code Retry-After} when none is left
   */
  void acquire(String key);

  /** Makes the limiter of one family; the gateway asks for its three families at start. */
  @FunctionalInterface
  interface Factory {
    RateLimiter create(String family, String code, int requests, Duration window);

    /** Token buckets in this process (one node). */
    static Factory local() {
      return (family, code, requests, window) -> new LocalRateLimiter(code, requests, window);
    }

    /** Counters in the shared key-value store, so every node of a cluster counts together. */
    static Factory shared(KeyValue kv, Clock clock) {
      return (family, code, requests, window) -> new SharedRateLimiter(kv, clock, family, code, requests, window);
    }
  }
}
