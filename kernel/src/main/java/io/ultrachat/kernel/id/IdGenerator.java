package io.ultrachat.kernel.id;

import java.time.Clock;
import java.time.Instant;

/**
 * Issues 64-bit, time-ordered, unique ids (Snowflake layout).
 *
 * <p>Layout, high to low: 1 sign bit (always 0), 41 bits of milliseconds since
 * {@link #EPOCH}, 10 bits of node id, 12 bits of per-millisecond sequence. That gives 4,096
 * ids per millisecond per node and lasts until the year 2094. If the clock steps backwards,
 * ids keep coming from the last seen millisecond, so ordering never goes backwards on one
 * node.
 *
 * <p>Thread-safe; {@link #next()} is lock-based and costs well under a microsecond.
 * Ids travel to clients as decimal strings because JavaScript numbers lose precision past
 * 2^53.
 */
public final class IdGenerator {
  /** 2025-01-01T00:00:00Z. */
  public static final long EPOCH = 1_735_689_600_000L;

  private static final int NODE_BITS = 10;
  private static final int SEQUENCE_BITS = 12;
  private static final long MAX_NODE = (1L << NODE_BITS) - 1;
  private static final long SEQUENCE_MASK = (1L << SEQUENCE_BITS) - 1;

  private final Clock clock;
  private final long node;
  private long lastMillis = -1;
  private long sequence;

  public IdGenerator(Clock clock, int node) {
    if (node < 0 || node > MAX_NODE) {
      throw new IllegalArgumentException("node id must be between 0 and " + MAX_NODE + " but was " + node);
    }
    this.clock = clock;
    this.node = node;
  }

  public synchronized long next() {
    long now = Math.max(clock.millis() - EPOCH, lastMillis);
    if (now == lastMillis) {
      sequence = (sequence + 1) & SEQUENCE_MASK;
      if (sequence == 0) {
        now = lastMillis + 1; // borrow the next millisecond rather than spin
      }
    } else {
      sequence = 0;
    }
    lastMillis = now;
    return (now << (NODE_BITS + SEQUENCE_BITS)) | (node << SEQUENCE_BITS) | sequence;
  }

  /** The instant an id was issued at, to the millisecond. */
  public static Instant timestampOf(long id) {
    return Instant.ofEpochMilli((id >>> (NODE_BITS + SEQUENCE_BITS)) + EPOCH);
  }
}
