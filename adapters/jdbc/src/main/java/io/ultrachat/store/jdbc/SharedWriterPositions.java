package io.ultrachat.store.jdbc;

import io.ultrachat.kernel.kv.KeyValue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writer positions every node of a cluster sees, so read-your-writes holds when a user's next
 * request lands on another node than the write did.
 *
 * <p>Design notes. Each writer key is a hash in the shared {@link KeyValue} with one field per
 * node (this node's field is {@code nodeField}), holding the highest position that node recorded
 * for the writer, with the same time to live as the local positions. Nodes never write each
 * other's fields, so no cross-node "max" is needed: a read takes the maximum over the fields.
 * Within this node, writing a field is serialized per key stripe and always writes the local
 * maximum, so a slower thread cannot lower a field a faster one raised.
 *
 * <p>The local {@link LocalWriterPositions} is consulted first: if it already sends the read to
 * the primary, the shared store is not asked. The shared store is written <em>before</em> the
 * write is acknowledged (the caller of {@link #wrote} acknowledges after it returns), so no
 * client can learn of a write before every node can.
 *
 * <p>Faults. The shared store being unreachable never fails a write that has committed, nor a
 * read: a position that could not be published makes this node distrust every shared position
 * for the keep period (all reads with writer keys go to the primary), and a read whose positions
 * cannot be fetched goes to the primary. What cannot be covered: positions lost because the
 * shared store itself restarted empty; for at most the keep period, a read on another node may
 * then use a replica that has not replayed a write made just before (at most the replica's lag
 * bound behind).
 */
final class SharedWriterPositions implements WriterPositions {
  private static final Logger LOG = LoggerFactory.getLogger(SharedWriterPositions.class);
  private static final int STRIPES = 64;

  private final LocalWriterPositions local;
  private final KeyValue shared;
  private final String keyPrefix;
  private final String nodeField;
  private final Clock clock;
  private final Duration keep;
  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
  private volatile Instant distrustUntil = Instant.MIN;

  /**
   * @param keyPrefix prefixes every writer key in {@code shared}, e.g. {@code ryw:chat:}
   * @param nodeField this node's field, unique among the nodes sharing {@code shared}
   */
  SharedWriterPositions(LocalWriterPositions local, KeyValue shared, String keyPrefix, String nodeField, Clock clock,
      Duration keep) {
    this.local = local;
    this.shared = shared;
    this.keyPrefix = keyPrefix;
    this.nodeField = nodeField;
    this.clock = clock;
    this.keep = keep;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  @Override
  public void wrote(Collection<String> writers, long lsn) {
    local.wrote(writers, lsn);
    for (String writer : writers) {
      ReentrantLock lock = stripes[Math.floorMod(writer.hashCode(), STRIPES)];
      lock.lock();
      try {
        shared.putField(keyPrefix + writer, nodeField, Long.toString(local.required(List.of(writer))), keep);
      } catch (RuntimeException e) {
        distrust(e);
        return;
      } finally {
        lock.unlock();
      }
    }
  }

  @Override
  public long required(Collection<String> writers) {
    long need = local.required(writers);
    if (writers.isEmpty()) {
      return need;
    }
    if (clock.instant().isBefore(distrustUntil)) {
      return Long.MAX_VALUE;
    }
    try {
      for (String writer : writers) {
        for (String position : shared.fields(keyPrefix + writer).values()) {
          need = Math.max(need, Long.parseLong(position));
        }
      }
      return need;
    } catch (NumberFormatException e) {
      // Not written by this class: someone else's data under our prefix; stay on the primary.
      LOG.warn("unreadable writer position under {} in the shared store ({}); reading from the primary", keyPrefix, e.getMessage());
      return Long.MAX_VALUE;
    } catch (RuntimeException e) {
      LOG.debug("writer positions unavailable ({}); reading from the primary", e.getMessage());
      return Long.MAX_VALUE;
    }
  }

  private void distrust(RuntimeException e) {
    Instant now = clock.instant();
    if (!now.isBefore(distrustUntil)) {
      LOG.warn("could not share writer positions ({}); reads with writer keys use the primary for {}", e.getMessage(), keep);
    }
    distrustUntil = now.plus(keep);
  }
}
