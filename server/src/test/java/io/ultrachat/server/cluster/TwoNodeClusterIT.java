package io.ultrachat.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import io.ultrachat.server.TwoMembers;
import io.ultrachat.server.realtime.WsClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes on one PostgreSQL database with the scaled backends (NATS bus, Redis key-value store
 * and caches) behave as one server: what happens on one node is seen on the other, live events,
 * presence, cache invalidations, revocations and rate limits included.
 */
class TwoNodeClusterIT {
  private static final Duration SOON = Duration.ofSeconds(5);
  @RegisterExtension
  final ScaledCluster cluster = new ScaledCluster();

  private TestServer.Builder node(int id) {
    return cluster.node(id);
  }

  private static WsClient connect(TestServer node, String token) throws InterruptedException {
    WsClient c = WsClient.connect(node.baseUrl());
    c.send(Map.of("type", "hello", "token", token, "resume", Map.of()));
    c.next("ready");
    return c;
  }

  @Test
  void whatHappensOnOneNodeIsSeenOnTheOther() throws Exception {
    try (TestServer a = node(1).start(); TestServer b = node(2).start()) {
      Api onA = a.api();
      Api onB = b.api();
      TwoMembers chat = TwoMembers.in(onA, onB);
      String aliceToken = chat.alice();
      String bobToken = chat.bob();
      String bobId = chat.bobId();
      String ws = chat.workspace();
      String general = chat.conversation();
      String history = "/api/v1/conversations/" + general + "/messages";

      try (WsClient aliceWs = connect(a, aliceToken); WsClient bobWs = connect(b, bobToken)) {
        // Live messages cross nodes over NATS, both ways.
        aliceWs.send(Map.of("type", "send", "ref", "1", "conversationId", general, "body", "hello from node A", "clientId", "a-1"));
        JsonNode ack = aliceWs.next("ack");
        JsonNode onBob = bobWs.nextEvent("message.created");
        assertThat(onBob.path("message").path("body").asText()).isEqualTo("hello from node A");
        assertThat(onBob.path("message").path("id").asText()).isEqualTo(ack.path("messageId").asText());
        onB.post(history, Map.of("body", "and back from node B"), bobToken).ok(201);
        // Alice's own devices get her message too (before or after her ack); bob's follows it.
        JsonNode back = aliceWs.next(f -> "message.created".equals(f.path("event").path("type").asText())
            && "and back from node B".equals(f.path("event").path("message").path("body").asText()), SOON);
        assertThat(back.path("event").path("seq").asLong()).isEqualTo(ack.path("seq").asLong() + 1);

        // Presence lives in Redis: node B lists alice, who is connected to node A, as online.
        await().atMost(SOON).untilAsserted(() -> assertThat(onB.get("/api/v1/workspaces/" + ws + "/presence", bobToken).ok(200)
            .json().toString()).contains(chat.aliceId()));
      }

      // Caches: node B caches the history; an edit made on node A is read on node B.
      String first = onB.get(history, aliceToken).ok(200).json().path("messages").get(0).path("id").asText();
      assertThat(onB.get(history, aliceToken).ok(200).json().path("messages").get(0).path("body").asText()).isEqualTo("hello from node A");
      onA.patch(history + "/" + first, Map.of("body", "edited on node A"), aliceToken).ok(200);
      await().atMost(SOON).untilAsserted(() ->
          assertThat(onB.get(history, aliceToken).ok(200).json().path("messages").get(0).path("body").asText()).isEqualTo("edited on node A"));

      // Conversations: node B has checked sends against general (cached); archived on node A, node B refuses sends.
      onB.post(history, Map.of("body", "before the archive"), aliceToken).ok(201);
      onA.patch("/api/v1/conversations/" + general, Map.of("archived", true), aliceToken).ok(200);
      await().atMost(SOON).untilAsserted(() ->
          onB.post(history, Map.of("body", "after the archive"), aliceToken).problem(409, "conversation-archived"));
      onA.patch("/api/v1/conversations/" + general, Map.of("archived", false), aliceToken).ok(200);
      await().atMost(SOON).untilAsserted(() -> onB.post(history, Map.of("body", "unarchived"), aliceToken).ok(201));

      // Memberships: bob is removed on node A, and node B refuses him.
      assertThat(onB.get(history, bobToken).status()).isEqualTo(200);
      onA.delete("/api/v1/workspaces/" + ws + "/members/" + bobId, aliceToken).ok(204);
      await().atMost(SOON).untilAsserted(() -> onB.get(history, bobToken).problem(404, "conversation-not-found"));

      // Revocation: alice signs out on node A; her access token stops working on node B at once.
      assertThat(onB.get("/api/v1/users/me", aliceToken).status()).isEqualTo(200);
      onA.raw("POST", "/api/v1/auth/logout", null, "", aliceToken).ok(204);
      await().atMost(SOON).untilAsserted(() -> assertThat(onB.get("/api/v1/users/me", aliceToken).status()).isEqualTo(401));

      // Both nodes report their bus and Redis as ready.
      for (Api api : new Api[] {onA, onB}) {
        assertThat(api.get("/health/ready").ok(200).body()).contains("bus").contains("redis");
      }
    }
  }

  @Test
  void rateLimitsAreCountedOnceForTheWholeCluster() {
    // Account backoff would answer first (it is cluster-wide too); this test is about the per-client limit.
    try (TestServer a = node(1).set("rate-limit.auth.requests", "6").set("auth.login-backoff.free-failures", "100").start();
        TestServer b = node(2).set("rate-limit.auth.requests", "6").set("auth.login-backoff.free-failures", "100").start()) {
      Api onA = a.api();
      Api onB = b.api();
      for (int i = 0; i < 3; i++) {
        assertThat(onA.post("/api/v1/auth/login", Map.of("username", "nobody", "password", "wrong password")).status()).isEqualTo(401);
        assertThat(onB.post("/api/v1/auth/login", Map.of("username", "nobody", "password", "wrong password")).status()).isEqualTo(401);
      }
      // Six from this address in all: the seventh is refused whichever node it reaches.
      Api.Response refused = onA.post("/api/v1/auth/login", Map.of("username", "nobody", "password", "wrong password"));
      refused.problem(429, "rate-limited");
      assertThat(refused.header("Retry-After")).isPresent();
      onB.post("/api/v1/auth/login", Map.of("username", "nobody", "password", "wrong password")).problem(429, "rate-limited");
    }
  }

  @Test
  void failedLoginsForOneAccountBackOffOnEveryNode() {
    try (TestServer a = node(1).set("auth.login-backoff.free-failures", "4").start();
        TestServer b = node(2).set("auth.login-backoff.free-failures", "4").start()) {
      Api onA = a.api();
      Api onB = b.api();
      onA.register("alice", "correct horse battery");
      // Guesses spread over both nodes: four failures in all, two on each.
      for (int i = 0; i < 2; i++) {
        onA.post("/api/v1/auth/login", Map.of("username", "alice", "password", "guess a" + i)).problem(401, "invalid-credentials");
        onB.post("/api/v1/auth/login", Map.of("username", "Alice", "password", "guess b" + i)).problem(401, "invalid-credentials");
      }
      // Each node alone has seen only two, yet both make the account wait, even for the right password.
      for (Api node : new Api[] {onA, onB}) {
        Api.Response r = node.post("/api/v1/auth/login", Map.of("username", "alice", "password", "correct horse battery"))
            .problem(429, "login-throttled");
        assertThat(Long.parseLong(r.header("Retry-After").orElseThrow())).isBetween(1L, 2L);
      }
      // Once the wait is over, a success on one node clears the count for both.
      await().atMost(SOON).pollInterval(Duration.ofMillis(100))
          .until(() -> onB.post("/api/v1/auth/login", Map.of("username", "alice", "password", "correct horse battery")).status() == 200);
      onA.post("/api/v1/auth/login", Map.of("username", "alice", "password", "guess again")).problem(401, "invalid-credentials");
      onA.post("/api/v1/auth/login", Map.of("username", "alice", "password", "correct horse battery")).ok(200);
    }
  }
}
