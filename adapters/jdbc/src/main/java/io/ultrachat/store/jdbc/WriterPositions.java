package io.ultrachat.store.jdbc;

import java.util.Collection;

/**
 * Where each writer key last committed in the primary's WAL, so a read on behalf of those writers
 * goes to the replica only once it has replayed that far ({@link ReplicaRouter}).
 *
 * <p>Implementations may forget a position only after it no longer matters (its replica lag
 * bound has passed), and may err towards a higher position, never a lower one: a higher one only
 * sends a read to the primary. Thread-safe.
 */
interface WriterPositions {
  /** Records that each writer committed at {@code lsn} (or earlier). */
  void wrote(Collection<String> writers, long lsn);

  /** The WAL position a read must have replayed to include every recorded write of {@code writers}; 0 if none. */
  long required(Collection<String> writers);
}
