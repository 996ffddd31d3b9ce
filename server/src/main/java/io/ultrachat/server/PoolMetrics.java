package io.ultrachat.server;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.ultrachat.store.jdbc.Database;
import java.util.function.ToDoubleFunction;

/** Connection-pool status as gauges: {@code db_pool_connections{pool, state=available|active|total|waiting}}. */
final class PoolMetrics {
  private PoolMetrics() {}

  static void bind(MeterRegistry registry, Database db) {
    gauge(registry, db, "available", HikariPoolMXBean::getIdleConnections);
    gauge(registry, db, "active", HikariPoolMXBean::getActiveConnections);
    gauge(registry, db, "total", HikariPoolMXBean::getTotalConnections);
    gauge(registry, db, "waiting", HikariPoolMXBean::getThreadsAwaitingConnection);
  }

  private static void gauge(MeterRegistry registry, Database db, String state, ToDoubleFunction<HikariPoolMXBean> f) {
    Gauge.builder("db.pool.connections", db, d -> f.applyAsDouble(d.pool()))
        .description("Database connection pool status")
        .tags("pool", db.name(), "state", state)
        .register(registry);
  }
}
