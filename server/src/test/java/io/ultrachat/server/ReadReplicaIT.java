package io.ultrachat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.testkit.PostgresSchemas;
import io.ultrachat.testkit.StreamingReplica;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Chat history and search over HTTP with a real streaming replica of the test server behind the Chat service. */
class ReadReplicaIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static StreamingReplica replica;

  @BeforeAll
  static void startReplica() {
    replica = StreamingReplica.start();
  }

  @AfterAll
  static void stopReplica() {
    if (replica != null) {
      replica.close();
    }
  }

  /** {@code db_replica_reads_total} of the chat pool for one target and reason. */
  private static double reads(Api api, String target, String reason) {
    String metrics = api.get("/metrics").body();
    Matcher m = Pattern.compile("db_replica_reads_total\\{([^}]*)} ([0-9.E+]+)").matcher(metrics);
    while (m.find()) {
      String labels = m.group(1);
      if (labels.contains("pool=\"chat\"") && labels.contains("target=\"" + target + "\"")
          && labels.contains("reason=\"" + reason + "\"")) {
        return Double.parseDouble(m.group(2));
      }
    }
    return 0;
  }

  private static List<String> bodies(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.path("messages").forEach(m -> out.add(m.path("body").asText()));
    return out;
  }

  @Test
  void historyAndSearchUseTheReplicaWhileWritersReadTheirOwnWrites() {
    try (TestServer server = TestServer.on(TestServer.Backend.POSTGRESQL).chatReplica(replica)
        .set("database.replica-max-lag", "5m").start()) {
      Api api = server.api();
      TwoMembers room = TwoMembers.in(api);
      String alice = room.alice();
      String bob = room.bob();
      String ws = room.workspace();
      String conv = room.conversation();
      String history = "/api/v1/conversations/" + conv + "/messages";
      // `after` pages are never cached, so each one is a read the replica could serve.
      String fromStart = history + "?after=0";
      api.post(history, Map.of("body", "hello everyone"), alice).ok(201);

      // Bob has written nothing: once the replica is measured and has the message, his reads use it.
      await().atMost(WAIT).pollInterval(Duration.ofMillis(25)).until(() -> {
        double before = reads(api, "replica", "none");
        return bodies(api.get(fromStart, bob).ok(200).json()).contains("hello everyone") && reads(api, "replica", "none") > before;
      });

      replica.pauseReplay();
      try {
        double notReplayed = reads(api, "primary", "writes-not-replayed");
        api.post(history, Map.of("body", "fresh aardvark"), alice).ok(201);
        replica.awaitReceived();

        // Alice sees her message at once, in history and search, read from the primary.
        assertThat(bodies(api.get(fromStart, alice).ok(200).json())).contains("fresh aardvark");
        assertThat(bodies(api.get(history, alice).ok(200).json())).contains("fresh aardvark");
        JsonNode found = api.get("/api/v1/workspaces/" + ws + "/search?q=aardvark", alice).ok(200).json();
        assertThat(found.path("results")).hasSize(1);
        assertThat(reads(api, "primary", "writes-not-replayed")).isGreaterThanOrEqualTo(notReplayed + 2);

        // Bob's uncached page comes from the paused replica, which has not applied it yet.
        double onReplica = reads(api, "replica", "none");
        assertThat(bodies(api.get(fromStart, bob).ok(200).json())).contains("hello everyone").doesNotContain("fresh aardvark");
        assertThat(reads(api, "replica", "none")).isGreaterThan(onReplica);
      } finally {
        replica.resumeReplay();
      }
      await().atMost(WAIT).pollInterval(Duration.ofMillis(25))
          .until(() -> bodies(api.get(fromStart, bob).ok(200).json()).contains("fresh aardvark"));
      assertThat(api.get("/metrics").body()).contains("db_replica_lag_seconds{pool=\"chat\"}");
    }
  }

  /** Two nodes sharing writer positions through Redis: a write on one is read back on the other. */
  @Test
  void writersReadTheirOwnWritesOnAnotherNode() {
    String database = PostgresSchemas.createSchema();
    String prefix = "uctest" + Long.toHexString(System.nanoTime()) + ":";
    try (TestServer a = clusterNode(1, database, prefix).start(); TestServer b = clusterNode(2, database, prefix).start()) {
      Api onA = a.api();
      Api onB = b.api();
      TwoMembers room = TwoMembers.in(onA);
      String alice = room.alice();
      String bob = room.bob();
      String conv = room.conversation();
      String fromStart = "/api/v1/conversations/" + conv + "/messages?after=0";
      onA.post("/api/v1/conversations/" + conv + "/messages", Map.of("body", "hello everyone"), alice).ok(201);
      // Node B measures the replica and reads from it once it has the first message.
      await().atMost(WAIT).pollInterval(Duration.ofMillis(25)).until(() -> {
        double before = reads(onB, "replica", "none");
        return bodies(onB.get(fromStart, bob).ok(200).json()).contains("hello everyone") && reads(onB, "replica", "none") > before;
      });

      replica.pauseReplay();
      try {
        onA.post("/api/v1/conversations/" + conv + "/messages", Map.of("body", "written on node A"), alice).ok(201);
        replica.awaitReceived();
        double notReplayed = reads(onB, "primary", "writes-not-replayed");
        // Node B never saw the write, yet routes Alice's read to the primary: the position came through Redis.
        assertThat(bodies(onB.get(fromStart, alice).ok(200).json())).contains("written on node A");
        assertThat(reads(onB, "primary", "writes-not-replayed")).isGreaterThan(notReplayed);
        // Bob wrote nothing, so node B still serves him from the (paused) replica.
        assertThat(bodies(onB.get(fromStart, bob).ok(200).json())).contains("hello everyone").doesNotContain("written on node A");
      } finally {
        replica.resumeReplay();
      }
    } finally {
      PostgresSchemas.dropSchema(database);
    }
  }

  private static TestServer.Builder clusterNode(int id, String database, String redisPrefix) {
    return TestServer.on(TestServer.Backend.POSTGRESQL).sharedDatabase(database).chatReplica(replica)
        .set("database.replica-max-lag", "5m")
        .set("node.id", Integer.toString(id))
        .set("bus.backend", "nats").set("bus.nats-url", "nats://127.0.0.1:4222")
        .set("kv.backend", "redis").set("kv.redis-url", "redis://127.0.0.1:6379")
        .set("redis.key-prefix", redisPrefix);
  }

  @Test
  void aReplicaWithSqliteIsAStartupErrorNamingTheSetting() {
    assertThatThrownBy(() -> TestServer.on(TestServer.Backend.SQLITE)
        .set("chat.database-replica-url", "postgresql://127.0.0.1:5432/test").start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("chat.database-replica-url")
        .hasMessageContaining("SQLite");
  }
}
