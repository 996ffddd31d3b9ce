package io.ultrachat.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The `ultrachat` command's maintenance subcommands, and its start-up errors. */
class CommandLineIT {
  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cmd = UltraChat.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    java.io.PrintStream stdout = System.out;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(captured, true));
    try {
      int code = cmd.execute(args);
      return new Run(code, out + captured.toString(), err.toString());
    } finally {
      System.setOut(stdout);
    }
  }

  @Test
  void adminCreatesUsersAndRotatesKeysThatARunningServerThenUses(@TempDir Path dir) {
    String dataDir = dir.toString();
    Run created = run("admin", "create-user", "--data-dir", dataDir, "--username", "root", "--password", "long enough", "--admin");
    assertThat(created.code()).as(created.err()).isZero();
    assertThat(created.out()).contains("created user root").contains("admin");
    assertThat(run("admin", "create-user", "--data-dir", dataDir, "--username", "ROOT", "--password", "long enough").err())
        .contains("taken");
    assertThat(run("admin", "rotate-keys", "--data-dir", dataDir).out()).contains("now signing with key");
    assertThat(run("admin", "grant-admin", "--data-dir", dataDir, "nobody").code()).isEqualTo(2);

    var settings = Catalog.load(java.util.Optional.empty(), Map.of(),
        Map.of("data-dir", dataDir, "http.port", "0", "http.host", "127.0.0.1"));
    try (UltraChatServer server = UltraChatServer.start(settings, Clock.systemUTC())) {
      Api api = new Api("http://127.0.0.1:" + server.port());
      assertThat(api.login("root", "long enough").path("user").path("admin").asBoolean()).isTrue();
      assertThat(api.get("/.well-known/jwks.json").json().path("keys")).hasSize(2);
    }
  }

  @Test
  void migrateCreatesTheEmbeddedDatabase(@TempDir Path dir) {
    Run r = run("migrate", "--data-dir", dir.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.exists(dir.resolve("ultrachat.db"))).isTrue();
  }

  @Test
  void migrateAcceptsALibpqStylePostgresqlUrl(@TempDir Path dir) throws Exception {
    String jdbc = io.ultrachat.testkit.PostgresSchemas.createSchema();
    try {
      String schema = jdbc.substring(jdbc.indexOf("currentSchema=") + "currentSchema=".length()).split("&")[0];
      String url = "postgresql://" + io.ultrachat.testkit.PostgresSchemas.user() + "@127.0.0.1:5432/test?currentSchema=" + schema;
      Run r = run("migrate", "--data-dir", dir.toString(), "--database-url", url);
      assertThat(r.code()).as(r.err()).isZero();
      try (var c = java.sql.DriverManager.getConnection(jdbc);
          var rs = c.createStatement().executeQuery("SELECT count(*) FROM " + schema + ".auth_schema_history")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isPositive();
      }
      assertThat(Files.exists(dir.resolve("ultrachat.db"))).as("no SQLite file when PostgreSQL is chosen").isFalse();
    } finally {
      io.ultrachat.testkit.PostgresSchemas.dropSchema(jdbc);
    }
  }

  @Test
  void unreachableDatabaseFailsFastNamingTheSetting(@TempDir Path dir) {
    Run r = run("serve", "--data-dir", dir.toString(), "--port", "0", "--database-url", "postgresql://nobody:secret@127.0.0.1:1/none",
        "--set", "database.connect-timeout=1s");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("database.url").contains("cannot connect").doesNotContain("secret");
  }

  @Test
  void unreachableNatsOrRedisFailsFastNamingTheSetting(@TempDir Path dir) {
    Run nats = run("serve", "--data-dir", dir.toString(), "--port", "0",
        "--set", "bus.backend=nats", "--set", "bus.nats-url=nats://nobody:secret@127.0.0.1:1");
    assertThat(nats.code()).isEqualTo(2);
    assertThat(nats.err()).contains("bus.nats-url").doesNotContain("secret");
    Run redis = run("serve", "--data-dir", dir.toString(), "--port", "0",
        "--set", "kv.backend=redis", "--set", "kv.redis-url=redis://:secret@127.0.0.1:1");
    assertThat(redis.code()).isEqualTo(2);
    assertThat(redis.err()).contains("kv.redis-url").contains("127.0.0.1:1").doesNotContain("secret");
    assertThat(run("serve", "--data-dir", dir.toString(), "--set", "bus.backend=kafka").err()).contains("bus.backend");
  }

  @Test
  void splitProcessesNeedTheServiceSecret(@TempDir Path dir) {
    Run r = run("serve", "--data-dir", dir.toString(), "--port", "0", "--services", "chat,realtime");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("cluster.service-secret");
    assertThat(run("serve", "--data-dir", dir.toString(), "--services", "realtime").err()).contains("realtime runs beside chat");
  }

  @Test
  void badSettingsFailFastNamingTheKey(@TempDir Path dir) {
    Run r = run("serve", "--data-dir", dir.toString(), "--set", "http.port=eighty");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("http.port");
    assertThat(run("serve", "--data-dir", dir.toString(), "--services", "voice").err()).contains("unknown service 'voice'");
  }

  @Test
  void versionPrints() {
    assertThat(run("version").out()).startsWith("UltraChat ");
  }
}
