package io.ultrachat.server;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.ReplicaRouter;
import java.util.function.ToDoubleFunction;

/**
 * Connection-pool status as gauges: {@code db_pool_connections{pool, state=available|active|total|waiting}}; for a
 * database with a read replica also {@code db_replica_reads_total{pool, target=replica|primary, reason}} (why a
 * replica-eligible read ran on the primary) and {@code db_replica_lag_seconds{pool}} (NaN while the replica's state is unknown).
 */
final class PoolMetrics {
  private PoolMetrics() {}

  static void bind(MeterRegistry registry, Database db) {
    gauge(registry, db, "available", HikariPoolMXBean::getIdleConnections);
    gauge(registry, db, "active", HikariPoolMXBean::getActiveConnections);
    gauge(registry, db, "total", HikariPoolMXBean::getTotalConnections);
    gauge(registry, db, "waiting", HikariPoolMXBean::getThreadsAwaitingConnection);
    db.replica().ifPresent(replica -> {
      FunctionCounter.builder("db.replica.reads", replica, ReplicaRouter::readsOnReplica)
          .description("Reads that could use the read replica, by where they ran")
          .tags("pool", db.name(), "target", "replica", "reason", "none")
          .register(registry);
      for (ReplicaRouter.PrimaryReason reason : ReplicaRouter.PrimaryReason.values()) {
        FunctionCounter.builder("db.replica.reads", replica, r -> r.readsOnPrimary(reason))
            .description("Reads that could use the read replica, by where they ran")
            .tags("pool", db.name(), "target", "primary", "reason", reason.tag())
            .register(registry);
      }
      Gauge.builder("db.replica.lag", replica, r -> r.lag().map(lag -> lag.toMillis() / 1000.0).orElse(Double.NaN))
          .description("How far the read replica's replay is behind the primary")
          .baseUnit("seconds")
          .tags("pool", db.name())
          .register(registry);
    });
  }

  private static void gauge(MeterRegistry registry, Database db, String state, ToDoubleFunction<HikariPoolMXBean> f) {
    Gauge.builder("db.pool.connections", db, d -> f.applyAsDouble(d.pool()))
        .description("Database connection pool status")
        .tags("pool", db.name(), "state", state)
        .register(registry);
  }
}
