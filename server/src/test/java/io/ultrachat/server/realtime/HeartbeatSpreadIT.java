package io.ultrachat.server.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat sweep reaches every connection once per interval, but not all at the same
 * moment: pings, presence refreshes and token re-checks for all of a node's connections at once
 * held up every send on the node for up to a second.
 */
class HeartbeatSpreadIT {
  private static final int CONNECTIONS = 12;

  @Test
  void everyConnectionIsPingedOncePerHeartbeatAndTheNodesPingsAreSpreadOverIt() throws Exception {
    try (TestServer server = TestServer.on(TestServer.Backend.SQLITE).set("realtime.heartbeat", "3s").start()) {
      Api api = server.api();
      List<WsClient> clients = new ArrayList<>();
      try {
        for (int i = 0; i < CONNECTIONS; i++) {
          String token = api.register("user" + i, "correct horse battery").path("accessToken").asText();
          WsClient c = WsClient.connect(server.baseUrl());
          c.send(Map.of("type", "hello", "token", token, "resume", Map.of()));
          c.next("ready");
          clients.add(c);
        }
        Thread.sleep(7_500);

        TreeSet<Long> seconds = new TreeSet<>();
        long origin = clients.stream().flatMap(c -> c.pings().stream()).min(Long::compare).orElseThrow();
        for (WsClient c : clients) {
          List<Long> pings = c.pings();
          assertThat(pings).as("pings of one connection in 7.5 s of a 3 s heartbeat").hasSizeBetween(2, 3);
          for (int i = 1; i < pings.size(); i++) {
            assertThat(TimeUnit.NANOSECONDS.toMillis(pings.get(i) - pings.get(i - 1))).as("time between two pings")
                .isBetween(2_500L, 3_500L);
          }
          seconds.add(TimeUnit.NANOSECONDS.toMillis(pings.getFirst() - origin) / 500);
        }
        // Three slices of one second each: twelve connections fall into more than one of them
        // (all in one by chance: 3 × 3^-12).
        assertThat(seconds).as("half-seconds of the interval in which connections got their first ping").hasSizeGreaterThan(1);
      } finally {
        clients.forEach(WsClient::close);
      }
    }
  }
}
