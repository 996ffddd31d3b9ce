package io.ultrachat.bus.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bus heals by itself when its NATS server goes away and comes back on the same address. */
class NatsBusReconnectIT {
  private static NatsServerProcess server;

  @BeforeAll
  static void startServer() throws Exception {
    server = new NatsServerProcess();
    server.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Test
  void publishAndSubscribeWorkAgainAfterTheServerRestarts() throws Exception {
    try (NatsBus bus = new NatsBus(NatsBus.Settings.of(server.url()).withReconnectWait(Duration.ofMillis(100)))) {
      List<String> got = new CopyOnWriteArrayList<>();
      bus.subscribe("restart.room", m -> got.add(new String(m.payload())));
      bus.publish("restart.room", "before".getBytes());
      await().atMost(Duration.ofSeconds(10)).until(() -> got.contains("before"));

      server.stop();
      await().atMost(Duration.ofSeconds(10)).until(() -> !bus.connected());
      // Publishing while the server is away neither blocks nor throws.
      long start = System.nanoTime();
      bus.publish("restart.room", "while-down".getBytes());
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));

      server.start();
      await().atMost(Duration.ofSeconds(20)).until(bus::connected);
      List<String> fresh = new CopyOnWriteArrayList<>();
      bus.subscribe("restart.other", m -> fresh.add(new String(m.payload())));
      // The subscription made before the restart was resent by the client on reconnect.
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
        bus.publish("restart.room", "after".getBytes());
        return got.contains("after");
      });
      bus.publish("restart.other", "new".getBytes());
      await().atMost(Duration.ofSeconds(10)).until(() -> fresh.contains("new"));
    }
  }
}
