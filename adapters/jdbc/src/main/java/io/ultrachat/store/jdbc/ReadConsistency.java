package io.ultrachat.store.jdbc;

import java.util.Collection;
import java.util.Set;

/**
 * What a read must see, and so where {@link Database#read(ReadConsistency, SqlFunction)} may run
 * it. Immutable.
 *
 * <ul>
 *   <li>{@link #primary()}: every committed write. Runs on the primary, like {@link Database#read(SqlFunction)}.
 *   <li>{@link #withinLag()}: a committed state at most the replica's lag bound old. For reads on
 *       behalf of nobody in particular.
 *   <li>{@link #seeing(Collection)}: as {@code withinLag}, and also every write recorded under
 *       one of the given writer keys through this {@link Database} (see
 *       {@link Database#write(Collection, SqlFunction)}): read-your-writes for a user, a session,
 *       or any other key the caller chooses.
 * </ul>
 *
 * <p>A database without a replica runs every read on the primary, which satisfies all three.
 */
public final class ReadConsistency {
  private static final ReadConsistency PRIMARY = new ReadConsistency(true, Set.of());
  private static final ReadConsistency WITHIN_LAG = new ReadConsistency(false, Set.of());

  private final boolean primaryOnly;
  private final Set<String> writers;

  private ReadConsistency(boolean primaryOnly, Set<String> writers) {
    this.primaryOnly = primaryOnly;
    this.writers = writers;
  }

  /** Every committed write: the primary. */
  public static ReadConsistency primary() {
    return PRIMARY;
  }

  /** Any state no older than the replica's lag bound. */
  public static ReadConsistency withinLag() {
    return WITHIN_LAG;
  }

  /** Within the lag bound, and including every write recorded under any of {@code writers}. */
  public static ReadConsistency seeing(Collection<String> writers) {
    return writers.isEmpty() ? WITHIN_LAG : new ReadConsistency(false, Set.copyOf(writers));
  }

  /** @see #seeing(Collection) */
  public static ReadConsistency seeing(String... writers) {
    return seeing(Set.of(writers));
  }

  /** True if only the primary satisfies this read. */
  public boolean primaryOnly() {
    return primaryOnly;
  }

  /** The writer keys whose recorded writes the read must include; may be empty. */
  public Set<String> writers() {
    return writers;
  }

  @Override
  public String toString() {
    return primaryOnly ? "primary" : writers.isEmpty() ? "within-lag" : "seeing" + writers;
  }
}
