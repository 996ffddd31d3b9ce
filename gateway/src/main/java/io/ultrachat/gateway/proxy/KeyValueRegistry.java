package io.ultrachat.gateway.proxy;

import io.ultrachat.kernel.kv.KeyValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registry in the shared {@link KeyValue} store: one hash per service under
 * {@code registry:<service>}, one field per instance (field = instance id, value = base URL),
 * each field with its own time to live. An instance {@link #register registers} itself again
 * well within the TTL as a heartbeat ({@link RegistryHeartbeat}) and {@link #deregister
 * deregisters} when it stops; a crashed instance disappears when its field expires.
 *
 * <p>Thread-safe. Every method may block on the network (Redis), so never call one on an event
 * loop. A field whose value is not a valid base URL (written by something else) is skipped and
 * logged, never handed out.
 */
public final class KeyValueRegistry implements ServiceRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(KeyValueRegistry.class);
  static final String PREFIX = "registry:";

  private final KeyValue store;

  public KeyValueRegistry(KeyValue store) {
    this.store = store;
  }

  /** Adds or refreshes an instance for {@code ttl}; call again before it passes. */
  public void register(String service, Instance instance, Duration ttl) {
    store.putField(PREFIX + service, instance.id(), instance.baseUrl(), ttl);
  }

  /**
   * Removes an instance at once, so gateways stop sending it new work at their next refresh.
   *
   * @return true if it was registered
   */
  public boolean deregister(String service, String instanceId) {
    return store.deleteField(PREFIX + service, instanceId).isPresent();
  }

  @Override
  public List<Instance> instances(String service) {
    Map<String, String> fields = store.fields(PREFIX + service);
    List<Instance> out = new ArrayList<>(fields.size());
    fields.forEach((id, url) -> {
      try {
        out.add(new Instance(id, url));
      } catch (IllegalArgumentException e) {
        LOG.warn("registry entry {} of service {} is ignored: {}", id, service, e.getMessage());
      }
    });
    return out;
  }
}
