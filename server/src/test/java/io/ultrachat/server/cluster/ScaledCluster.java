package io.ultrachat.server.cluster;

import io.ultrachat.server.TestServer;
import io.ultrachat.testkit.PostgresSchemas;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * In-process nodes of one cluster for a test: one fresh PostgreSQL schema they share, the scaled
 * backends (NATS bus, Redis key-value store and caches), and a Redis key prefix of the test's own,
 * so its presence, rate limits and registry entries meet no other test's. Register it with
 * {@code @RegisterExtension}.
 */
final class ScaledCluster implements BeforeEachCallback, AfterEachCallback {
  private String database;
  private String prefix;

  @Override
  public void beforeEach(ExtensionContext context) {
    database = PostgresSchemas.createSchema();
    prefix = "uctest" + Long.toHexString(System.nanoTime()) + ":";
  }

  @Override
  public void afterEach(ExtensionContext context) {
    PostgresSchemas.dropSchema(database);
  }

  /** A node of the cluster with its own {@code node.id}; the caller may add settings and starts it. */
  TestServer.Builder node(int id) {
    return TestServer.on(TestServer.Backend.POSTGRESQL).sharedDatabase(database)
        .set("node.id", Integer.toString(id))
        .set("bus.backend", "nats").set("bus.nats-url", "nats://127.0.0.1:4222")
        .set("kv.backend", "redis").set("kv.redis-url", "redis://127.0.0.1:6379")
        .set("cache.backend", "redis")
        .set("redis.key-prefix", prefix);
  }
}
