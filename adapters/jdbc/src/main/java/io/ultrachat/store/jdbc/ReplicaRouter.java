package io.ultrachat.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.ultrachat.kernel.kv.KeyValue;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, read by read, whether a replica-eligible read of a {@link Database} may run on its
 * replica, and counts the decisions for metrics.
 *
 * <p>Design notes. <b>Replica status.</b> The replica's replay position and lag are read with
 * one small query and cached for {@value #REFRESH_AFTER_MILLIS} ms. A stale status is refreshed
 * in the background (one refresh at a time, on a virtual thread), and reads meanwhile decide on
 * the cached one: the replay position only grows, so an old one errs towards the primary. Request
 * threads therefore never wait on a slow or dead replica to decide. A status older than
 * {@value #STALE_AFTER_MILLIS} ms (the refresh hangs or fails) counts as unknown: primary. After
 * a failed refresh the next one waits {@value #RETRY_AFTER_MILLIS} ms, so a dead replica costs
 * one connection attempt per second, not one per read.
 *
 * <p><b>Lag.</b> Zero while the replica has replayed all WAL it received from a running WAL
 * receiver; otherwise the time since the commit it last replayed. On an idle primary the latter
 * grows although nothing is missing, which only matters without a WAL receiver (then the replica
 * is cut off and the primary is right). A replica that is not in recovery (promoted, or the
 * primary itself by mistake) is never used: reads there would not follow the primary's writes.
 *
 * <p><b>Read-your-writes.</b> {@link Database#write(Collection, SqlFunction)} records the
 * primary's WAL insert position after the commit under the caller's writer keys
 * ({@link WriterPositions}); a read with writer keys goes to the replica only if its replay
 * position has reached the highest of theirs. The insert position is at or past the end of the
 * commit record, so this never lets a read miss the write (at worst it waits for a little more).
 * With {@link ReplicaOptions#sharedPositions()} the positions are shared by every node
 * ({@link SharedWriterPositions}), so this holds wherever the writer's next request lands.
 * Thread-safe.
 */
public final class ReplicaRouter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaRouter.class);
  static final long REFRESH_AFTER_MILLIS = 20;
  static final long STALE_AFTER_MILLIS = 1_000;
  static final long RETRY_AFTER_MILLIS = 1_000;
  /** Most writer keys remembered at once; see {@link WriterPositions}. */
  static final int MAX_WRITERS = 100_000;
  /** The lag of a replica whose lag cannot be measured: beyond any bound. */
  private static final Duration UNKNOWN_LAG = Duration.ofDays(365);

  /** Why a replica-eligible read ran on the primary. */
  public enum PrimaryReason {
    /** The replica has not yet replayed a write the read must see. */
    WRITES_NOT_REPLAYED("writes-not-replayed"),
    /** The replica lags more than the bound. */
    LAGGING("lagging"),
    /** The replica's state is unknown: unreachable, not yet checked, or not a standby. */
    UNAVAILABLE("unavailable"),
    /** The read failed on the replica (connection lost, recovery conflict) and was run again on the primary. */
    FAILED("failed");

    private final String tag;

    PrimaryReason(String tag) {
      this.tag = tag;
    }

    /** The reason as a metrics tag value. */
    public String tag() {
      return tag;
    }
  }

  /** Where one read goes: the replica, or the primary for a reason. */
  record Route(Optional<PrimaryReason> primaryBecause) {
    static final Route REPLICA = new Route(Optional.empty());

    boolean replica() {
      return primaryBecause.isEmpty();
    }
  }

  private record Status(Instant checkedAt, boolean usable, long replayLsn, Duration lag) {}

  private final String name;
  private final HikariDataSource dataSource;
  private final Duration maxLag;
  private final Clock clock;
  private final WriterPositions writers;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private final LongAdder onReplica = new LongAdder();
  private final Map<PrimaryReason, LongAdder> onPrimary = new EnumMap<>(PrimaryReason.class);
  private volatile Optional<Status> status = Optional.empty();
  private volatile Instant nextRefresh = Instant.MIN;
  private volatile boolean closed;

  ReplicaRouter(String name, HikariDataSource dataSource, Duration maxLag, Optional<KeyValue> sharedPositions, Clock clock) {
    this.name = name;
    this.dataSource = dataSource;
    this.maxLag = maxLag;
    this.clock = clock;
    // Past the lag bound, a replica that has not replayed a write is itself routed around.
    Duration keep = maxLag.multipliedBy(2).plusSeconds(1);
    LocalWriterPositions local = new LocalWriterPositions(clock, keep, MAX_WRITERS);
    this.writers = sharedPositions.<WriterPositions>map(kv -> new SharedWriterPositions(local, kv, "ryw:" + name + ":",
        UUID.randomUUID().toString(), clock, keep)).orElse(local);
    for (PrimaryReason r : PrimaryReason.values()) {
      onPrimary.put(r, new LongAdder());
    }
  }

  HikariDataSource dataSource() {
    return dataSource;
  }

  /** Reads that ran on the replica. */
  public long readsOnReplica() {
    return onReplica.sum();
  }

  /** Replica-eligible reads that ran on the primary for this reason. */
  public long readsOnPrimary(PrimaryReason reason) {
    return onPrimary.get(reason).sum();
  }

  /** The replica's lag as last measured; empty while its state is unknown. */
  public Optional<Duration> lag() {
    Instant now = clock.instant();
    refreshIfDue(now);
    return current(now).filter(Status::usable).map(Status::lag);
  }

  /** The bound past which reads avoid the replica. */
  public Duration maxLag() {
    return maxLag;
  }

  /** Records that {@code writerKeys} committed at or before WAL position {@code lsn}. */
  void wrote(Collection<String> writerKeys, long lsn) {
    writers.wrote(writerKeys, lsn);
  }

  /** Decides where a read goes and counts it. */
  Route route(ReadConsistency consistency) {
    Instant now = clock.instant();
    refreshIfDue(now);
    Optional<Status> s = current(now);
    Route route;
    if (s.isEmpty() || !s.get().usable()) {
      route = primary(PrimaryReason.UNAVAILABLE);
    } else if (s.get().lag().compareTo(maxLag) > 0) {
      route = primary(PrimaryReason.LAGGING);
    } else if (writers.required(consistency.writers()) > s.get().replayLsn()) {
      route = primary(PrimaryReason.WRITES_NOT_REPLAYED);
    } else {
      onReplica.increment();
      route = Route.REPLICA;
    }
    return route;
  }

  /** A read routed to the replica failed there and runs again on the primary. */
  void failedOnReplica(SQLException e, boolean connectionLost) {
    onPrimary.get(PrimaryReason.FAILED).increment();
    if (connectionLost) {
      LOG.warn("replica of database {} failed a read ({}); reading from the primary until it answers again", name, e.getMessage());
      markDown(clock.instant());
    } else {
      LOG.info("replica of database {} could not serve a read ({}); read it from the primary", name, e.getMessage());
    }
  }

  private Route primary(PrimaryReason reason) {
    onPrimary.get(reason).increment();
    return new Route(Optional.of(reason));
  }

  private Optional<Status> current(Instant now) {
    Optional<Status> s = status;
    return s.filter(x -> !x.checkedAt().plusMillis(STALE_AFTER_MILLIS).isBefore(now));
  }

  private void refreshIfDue(Instant now) {
    if (closed || now.isBefore(nextRefresh) || !refreshing.compareAndSet(false, true)) {
      return;
    }
    try {
      Thread.ofVirtual().name("replica-status-" + name).start(this::refresh);
    } catch (RuntimeException | Error e) {
      refreshing.set(false);
      throw e;
    }
  }

  private void refresh() {
    try {
      Instant started = clock.instant();
      try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() - '0/0'::pg_lsn,"
              + " CASE WHEN EXISTS (SELECT 1 FROM pg_stat_wal_receiver)"
              + " AND pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0"
              + " ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000 END")) {
        rs.next();
        boolean inRecovery = rs.getBoolean(1);
        long replay = rs.getLong(2);
        boolean replayKnown = !rs.wasNull();
        double lagMillis = rs.getDouble(3);
        boolean lagKnown = !rs.wasNull();
        boolean usable = inRecovery && replayKnown;
        if (!inRecovery && status.map(Status::usable).orElse(true)) {
          LOG.warn("the replica of database {} is not in recovery (promoted, or not a standby); reading from the primary", name);
        }
        // Unknown lag (nothing replayed since it started, and behind): as far out as it gets.
        Duration lag = lagKnown ? Duration.ofMillis(Math.max(0, Math.round(lagMillis))) : UNKNOWN_LAG;
        status = Optional.of(new Status(started, usable, replay, lag));
        nextRefresh = started.plusMillis(REFRESH_AFTER_MILLIS);
      }
    } catch (SQLException | RuntimeException e) {
      if (status.map(Status::usable).orElse(true)) {
        LOG.warn("replica of database {} is unavailable ({}); reading from the primary", name, e.getMessage());
      }
      markDown(clock.instant());
    } finally {
      refreshing.set(false);
    }
  }

  private void markDown(Instant now) {
    status = Optional.of(new Status(now, false, 0, UNKNOWN_LAG));
    nextRefresh = now.plusMillis(RETRY_AFTER_MILLIS);
  }

  @Override
  public void close() {
    closed = true;
    dataSource.close();
  }
}
