package io.ultrachat.auth.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.ultrachat.kernel.bus.Bus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions revoked recently enough that access tokens naming them may still be
 * unexpired. Checked at the edge on every request, so a logout or a revoked session stops
 * its access tokens at once instead of after up to one token lifetime.
 *
 * <p>An entry needs to live only as long as the longest access token (plus skew); the set is
 * warmed from the store at start. Thread-safe; lookups are a hash probe.
 *
 * <p>In a cluster, {@link #shareOver} makes every revocation reach the other nodes' sets over the
 * bus ({@value #SUBJECT}). The bus is at most once, so a node that misses one (NATS down at that
 * moment) still refuses the session's refresh, which reads the database, and its access tokens
 * within their lifetime; a node that starts later warms its set from the store.
 */
public final class SessionRevocations {
  /** Bus subject of revocations; the payload is the session id in decimal. */
  public static final String SUBJECT = "auth.session.revoked";
  private static final Logger LOG = LoggerFactory.getLogger(SessionRevocations.class);

  private final Cache<Long, Boolean> revoked;
  private volatile Bus bus;

  public SessionRevocations(Duration remember) {
    this.revoked = Caffeine.newBuilder().expireAfterWrite(remember).maximumSize(1_000_000).build();
  }

  /** Publishes this node's revocations on the bus and takes in the other nodes'. Call once. */
  public Bus.Subscription shareOver(Bus bus) {
    Bus.Subscription s = bus.subscribe(SUBJECT, m -> {
      try {
        revoked.put(Long.parseLong(new String(m.payload(), StandardCharsets.US_ASCII)), Boolean.TRUE);
      } catch (NumberFormatException e) {
        LOG.warn("ignored a malformed session revocation on {}", SUBJECT);
      }
    });
    this.bus = bus;
    return s;
  }

  public void add(long sessionId) {
    revoked.put(sessionId, Boolean.TRUE);
    Bus b = bus;
    if (b != null) {
      try {
        b.publish(SUBJECT, Long.toString(sessionId).getBytes(StandardCharsets.US_ASCII));
      } catch (RuntimeException e) {
        // The revocation is stored and applies here; other nodes learn it from the store at the
        // next refresh. Never fail a logout because the bus is down.
        LOG.warn("could not announce the revocation of session {}: {}", sessionId, e.getMessage());
      }
    }
  }

  /** Loads a revocation read from the store (or another node's list), without announcing it again. */
  public void remember(long sessionId) {
    revoked.put(sessionId, Boolean.TRUE);
  }

  public boolean contains(long sessionId) {
    return revoked.getIfPresent(sessionId) != null;
  }
}
