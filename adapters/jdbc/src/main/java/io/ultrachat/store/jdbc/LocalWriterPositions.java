package io.ultrachat.store.jdbc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The WAL position each writer key last committed at on this node, for read-your-writes on a
 * replica.
 *
 * <p>Design notes. Entries expire after {@code keep}: by then a replica within its lag bound has
 * replayed the write anyway (a replica that has not is older than the bound, and the router sends
 * every read to the primary). The map holds at most {@code maxEntries}; when it overflows, expired
 * entries go first and then arbitrary ones, but an evicted position is not forgotten: it raises a
 * <em>floor</em> that every read with writer keys must clear until it expires too. So eviction
 * can only send reads to the primary for a moment, never let one miss a write. Thread-safe.
 */
final class LocalWriterPositions implements WriterPositions {
  private record Position(long lsn, Instant until) {
    Position max(Position other) {
      return new Position(Math.max(lsn, other.lsn), until.isAfter(other.until) ? until : other.until);
    }
  }

  private static final Position NONE = new Position(0, Instant.MIN);

  private final Map<String, Position> positions = new ConcurrentHashMap<>();
  private final AtomicReference<Position> floor = new AtomicReference<>(NONE);
  private final ReentrantLock trimming = new ReentrantLock();
  private final Clock clock;
  private final Duration keep;
  private final int maxEntries;

  LocalWriterPositions(Clock clock, Duration keep, int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
    }
    this.clock = clock;
    this.keep = keep;
    this.maxEntries = maxEntries;
  }

  @Override
  public void wrote(Collection<String> writers, long lsn) {
    Position p = new Position(lsn, clock.instant().plus(keep));
    for (String w : writers) {
      positions.merge(w, p, Position::max);
    }
    if (positions.size() > maxEntries) {
      trim();
    }
  }

  @Override
  public long required(Collection<String> writers) {
    if (writers.isEmpty()) {
      return 0;
    }
    Instant now = clock.instant();
    Position f = floor.get();
    long need = f.until().isAfter(now) ? f.lsn() : 0;
    for (String w : writers) {
      Position p = positions.get(w);
      if (p == null) {
        continue;
      }
      if (p.until().isAfter(now)) {
        need = Math.max(need, p.lsn());
      } else {
        positions.remove(w, p);
      }
    }
    return need;
  }

  int size() {
    return positions.size();
  }

  private void trim() {
    if (!trimming.tryLock()) {
      return;
    }
    try {
      Instant now = clock.instant();
      positions.values().removeIf(p -> !p.until().isAfter(now));
      // Well below the bound, so one overflow does not trim on every following write.
      int target = Math.max(0, maxEntries - Math.max(1, maxEntries / 10));
      Iterator<Map.Entry<String, Position>> it = positions.entrySet().iterator();
      while (positions.size() > target && it.hasNext()) {
        Position evicted = it.next().getValue();
        it.remove();
        floor.accumulateAndGet(evicted, (a, b) -> a.until().isAfter(now) ? a.max(b) : b);
      }
    } finally {
      trimming.unlock();
    }
  }
}
