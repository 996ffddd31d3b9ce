package io.ultrachat.gateway.proxy;

import java.util.List;

/**
 * Where the gateway finds the running instances of each service.
 *
 * <p>Contract: {@link #instances} returns a snapshot — the instances registered and alive at the
 * time of the call, in no particular order, never null; an unknown service has none. Lookups
 * may block on the network (the key-value implementation talks to Redis when scaled), so callers
 * must not call them on an event loop; {@link Upstreams} calls them on a worker thread, every
 * health interval. Implementations are thread-safe.
 */
public interface ServiceRegistry {

  /** The live instances of {@code service}; empty if none. */
  List<Instance> instances(String service);
}
