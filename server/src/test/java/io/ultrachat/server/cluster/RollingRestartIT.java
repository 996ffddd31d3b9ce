package io.ultrachat.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rolling restart behind the gateway fails no request: each chat node, stopped gracefully,
 * leaves rotation and keeps serving for {@code http.shutdown-delay} before it refuses anything,
 * so the gateway has moved every new request to the other node by then. Clients here never
 * retry: one refused send fails the test.
 */
class RollingRestartIT {
  @RegisterExtension
  final ScaledCluster cluster = new ScaledCluster();

  private TestServer.Builder node(int id, String services) {
    return cluster.node(id).set("services", services)
        .set("cluster.service-secret", "rolling-restart-test-secret-of-32-bytes-or-more")
        .set("gateway.registry", "key-value").set("gateway.registry-ttl", "3s").set("gateway.registry-heartbeat", "500ms")
        .set("gateway.health-interval", "250ms").set("gateway.health-failures", "1").set("gateway.health-timeout", "500ms");
  }

  private TestServer chatNode(int id) {
    return node(id, "chat,realtime").set("http.shutdown-delay", "1500ms").start();
  }

  @Test
  void restartingEveryChatNodeInTurnFailsNoSend() throws Exception {
    List<TestServer> running = new ArrayList<>();
    try (TestServer gateway = node(1, "gateway,auth").start()) {
      running.add(chatNode(2));
      running.add(chatNode(3));
      Api api = gateway.api();
      String alice = api.register("alice", "correct horse battery").path("accessToken").asText();
      // The gateway finds the chat nodes in the registry within a refresh or two.
      String ws = await().atMost(Duration.ofSeconds(10)).until(
          () -> api.post("/api/v1/workspaces", Map.of("name", "Acme"), alice), r -> r.status() == 201).json().path("id").asText();
      String general = api.post("/api/v1/workspaces/" + ws + "/conversations", Map.of("kind", "public", "name", "general"), alice)
          .ok(201).json().path("id").asText();
      String messages = "/api/v1/conversations/" + general + "/messages";

      AtomicBoolean sending = new AtomicBoolean(true);
      AtomicInteger sent = new AtomicInteger();
      Map<String, String> failed = new ConcurrentHashMap<>();
      ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
      List<Future<?>> loops = new ArrayList<>();
      for (int s = 0; s < 4; s++) {
        int sender = s;
        loops.add(senders.submit(() -> {
          for (int i = 0; sending.get(); i++) {
            String clientId = "s" + sender + "-" + i;
            Api.Response r = api.post(messages, Map.of("body", "m " + clientId, "clientId", clientId), alice);
            if (r.status() != 201) {
              failed.put(clientId, r.status() + " " + r.body());
            } else {
              sent.incrementAndGet();
            }
            Thread.sleep(10);
          }
          return null;
        }));
      }

      Thread.sleep(500);
      for (int n = 0; n < 2; n++) {
        int before = sent.get();
        TestServer stopping = running.remove(0);
        Future<?> stopped = senders.submit(stopping::close); // graceful: leave rotation, serve, drain, stop
        Api direct = stopping.api();
        await().atMost(Duration.ofSeconds(1)).untilAsserted(() ->
            assertThat(direct.get("/health/ready").status()).as("readiness while leaving").isEqualTo(503));
        assertThat(direct.get("/health/ready").json().path("status").asText()).isEqualTo("draining");
        direct.get(messages + "?limit=1", alice).ok(200);   // while it still serves what reaches it
        stopped.get();
        running.add(chatNode(4 + n));
        Thread.sleep(1_000);                     // the new node joins the rotation
        assertThat(sent.get()).as("sends kept succeeding through restart %d", n + 1).isGreaterThan(before + 20);
      }
      sending.set(false);
      for (Future<?> f : loops) {
        f.get();
      }
      senders.shutdown();

      assertThat(failed).as("sends refused during the rolling restart").isEmpty();
      assertThat(api.get(messages + "?limit=1", alice).ok(200).json().path("messages").get(0).path("seq").asLong())
          .as("every acknowledged send is stored").isEqualTo(sent.get());
    } finally {
      running.forEach(TestServer::close);
    }
  }
}
