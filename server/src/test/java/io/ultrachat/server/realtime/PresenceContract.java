package io.ultrachat.server.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Presence over real WebSockets and REST (docs/protocol.md, Presence): each connection is a
 * device; a user is online while any device is, away when all are, offline when none is left;
 * changes reach exactly the people who share a workspace. Subclasses run it on SQLite and on
 * PostgreSQL.
 */
abstract class PresenceContract {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final TestServer.Backend backend;
  private final List<WsClient> clients = new ArrayList<>();
  private TestServer server;
  private Api api;
  private String alice;
  private String aliceId;
  private String bob;
  private String bobId;
  private String carol;
  private String carolId;
  private String acme;

  PresenceContract(TestServer.Backend backend) {
    this.backend = backend;
  }

  @BeforeEach
  void start() {
    // A short heartbeat, so workspace changes reach open connections within a second.
    server = TestServer.on(backend).set("realtime.heartbeat", "400ms").start();
    api = server.api();
    JsonNode a = api.register("alice", "correct horse");
    alice = a.path("accessToken").asText();
    aliceId = a.path("user").path("id").asText();
    JsonNode b = api.register("bob", "battery staple");
    bob = b.path("accessToken").asText();
    bobId = b.path("user").path("id").asText();
    JsonNode c = api.register("carol", "carol password");
    carol = c.path("accessToken").asText();
    carolId = c.path("user").path("id").asText();
    acme = workspace("Acme", alice);
    addMember(acme, bobId, alice);
    // Carol has a workspace of her own and shares none with alice or bob.
    workspace("Elsewhere", carol);
  }

  @AfterEach
  void stop() {
    clients.forEach(WsClient::close);
    server.close();
  }

  private String workspace(String name, String ownerToken) {
    return api.post("/api/v1/workspaces", Map.of("name", name), ownerToken).ok(201).json().path("id").asText();
  }

  private void addMember(String workspace, String userId, String ownerToken) {
    api.raw("PUT", "/api/v1/workspaces/" + workspace + "/members/" + userId, "application/json", "{\"role\":\"member\"}", ownerToken)
        .ok(200);
  }

  private WsClient connect(String token) throws InterruptedException {
    WsClient c = WsClient.connect(server.baseUrl());
    clients.add(c);
    c.send(Map.of("type", "hello", "token", token));
    c.next("ready");
    return c;
  }

  /** Waits until the connection has handled everything it was sent before (frames are handled in order). */
  private static void settle(WsClient c, String ref) throws InterruptedException {
    c.send(Map.of("type", "ping", "ref", ref));
    c.next(f -> "pong".equals(f.path("type").asText()) && ref.equals(f.path("ref").asText()), WAIT);
  }

  /** The next presence event about a user, whatever its status, skipping other frames. */
  private static JsonNode nextPresenceOf(WsClient c, String userId) throws InterruptedException {
    return c.next(f -> isPresence(f, userId), WAIT).path("event");
  }

  private static JsonNode presenceOf(WsClient c, String userId, String status) throws InterruptedException {
    return c.next(f -> isPresence(f, userId) && status.equals(f.path("event").path("status").asText()), WAIT).path("event");
  }

  private static boolean isPresence(JsonNode f, String userId) {
    return "event".equals(f.path("type").asText()) && "presence.changed".equals(f.path("event").path("type").asText())
        && (userId == null || userId.equals(f.path("event").path("userId").asText()));
  }

  private JsonNode presenceRest(String workspace, String token) {
    return api.get("/api/v1/workspaces/" + workspace + "/presence", token).ok(200).json().path("users");
  }

  @Test
  void twoDevicesMakeOneStatusThatOthersInTheWorkspaceSee() throws Exception {
    WsClient observer = connect(bob);
    WsClient outsider = connect(carol);

    WsClient phone = connect(alice);
    JsonNode online = nextPresenceOf(observer, aliceId);
    assertThat(online.path("status").asText()).isEqualTo("online");
    assertThat(online.path("workspaceId").asText()).isEqualTo(acme);
    WsClient laptop = connect(alice);
    settle(laptop, "l0");
    assertThat(presenceRest(acme, bob).path(aliceId).asText()).isEqualTo("online");

    // One device away while the other is in use: still online.
    phone.send(Map.of("type", "presence", "status", "away"));
    settle(phone, "p1");
    assertThat(presenceRest(acme, bob).path(aliceId).asText()).isEqualTo("online");
    // Both away: away.
    laptop.send(Map.of("type", "presence", "status", "away"));
    assertThat(nextPresenceOf(observer, aliceId).path("status").asText()).isEqualTo("away");
    assertThat(presenceRest(acme, bob).path(aliceId).asText()).isEqualTo("away");
    // Saying away again changes nothing; one device back is online again.
    laptop.send(Map.of("type", "presence", "status", "away"));
    settle(laptop, "l1");
    phone.send(Map.of("type", "presence", "status", "online"));
    assertThat(nextPresenceOf(observer, aliceId).path("status").asText()).isEqualTo("online");
    // The device in use leaves: the one left is away.
    phone.close();
    assertThat(nextPresenceOf(observer, aliceId).path("status").asText()).isEqualTo("away");
    // The last one drops without a close frame: offline.
    laptop.kill();
    assertThat(nextPresenceOf(observer, aliceId).path("status").asText()).isEqualTo("offline");
    assertThat(presenceRest(acme, bob).has(aliceId)).isFalse();

    // Nothing more about alice: no repeats.
    assertThat(observer.drain(Duration.ofMillis(300))).noneMatch(f -> isPresence(f, aliceId));
    // Someone who shares no workspace with alice or bob heard nothing about them.
    assertThat(outsider.drain(Duration.ofMillis(300))).noneMatch(f -> isPresence(f, aliceId) || isPresence(f, bobId));
  }

  @Test
  void theRestViewListsMembersWhoAreNotOfflineAndHidesOtherWorkspaces() throws Exception {
    assertThat(presenceRest(acme, alice).size()).isZero();
    WsClient b = connect(bob);
    settle(b, "b0");
    assertThat(presenceRest(acme, alice).path(bobId).asText()).isEqualTo("online");
    assertThat(presenceRest(acme, alice).has(aliceId)).isFalse();
    WsClient c = connect(carol);
    settle(c, "c0");
    // Carol is online but not a member of Acme.
    assertThat(presenceRest(acme, alice).has(carolId)).isFalse();
    // Carol may not look into Acme; a malformed id is not found either; no token is 401.
    api.get("/api/v1/workspaces/" + acme + "/presence", carol).problem(404, "workspace-not-found");
    assertThat(api.get("/api/v1/workspaces/not-an-id/presence", alice).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/workspaces/" + acme + "/presence").status()).isEqualTo(401);
  }

  @Test
  void badPresenceFramesGetErrorsAndChangeNothing() throws Exception {
    WsClient observer = connect(bob);
    WsClient a = connect(alice);
    presenceOf(observer, aliceId, "online");

    a.send(Map.of("type", "presence", "ref", "x1", "status", "busy"));
    JsonNode unknown = a.next("error");
    assertThat(unknown.path("ref").asText()).isEqualTo("x1");
    assertThat(unknown.path("code").asText()).isEqualTo("invalid-input");
    a.send(Map.of("type", "presence", "ref", "x2", "status", "offline"));
    assertThat(a.next("error").path("code").asText()).isEqualTo("invalid-input");
    a.send(Map.of("type", "presence", "ref", "x3"));
    assertThat(a.next("error").path("code").asText()).isEqualTo("invalid-input");
    a.send(Map.of("type", "presence", "ref", "x4", "status", 1));
    assertThat(a.next("error").path("code").asText()).isEqualTo("invalid-input");
    settle(a, "a0");
    assertThat(presenceRest(acme, bob).path(aliceId).asText()).isEqualTo("online");
    assertThat(observer.drain(Duration.ofMillis(300))).noneMatch(f -> isPresence(f, aliceId));

    // Presence before hello is a protocol violation.
    WsClient early = WsClient.connect(server.baseUrl());
    clients.add(early);
    early.send(Map.of("type", "presence", "status", "away"));
    assertThat(early.closeCode(WAIT)).isEqualTo(4002);
  }

  @Test
  void flappingIsRateLimited() throws Exception {
    WsClient observer = connect(bob);
    WsClient a = connect(alice);
    presenceOf(observer, aliceId, "online");
    // Ten changes a minute are accepted; the eleventh is refused.
    for (int i = 0; i < 10; i++) {
      a.send(Map.of("type", "presence", "ref", "c" + i, "status", i % 2 == 0 ? "away" : "online"));
    }
    a.send(Map.of("type", "presence", "ref", "c10", "status", "away"));
    JsonNode limited = a.next("error");
    assertThat(limited.path("ref").asText()).isEqualTo("c10");
    assertThat(limited.path("code").asText()).isEqualTo("rate-limited");
    for (int i = 0; i < 10; i++) {
      assertThat(nextPresenceOf(observer, aliceId).path("status").asText()).isEqualTo(i % 2 == 0 ? "away" : "online");
    }
    assertThat(observer.drain(Duration.ofMillis(500))).noneMatch(f -> isPresence(f, aliceId));
    assertThat(presenceRest(acme, bob).path(aliceId).asText()).isEqualTo("online");
  }

  @Test
  void joiningAndLeavingAWorkspaceStartsAndStopsItsPresenceOnOpenConnections() throws Exception {
    JsonNode d = api.register("dave", "dave password");
    String dave = d.path("accessToken").asText();
    String daveId = d.path("user").path("id").asText();
    String lab = workspace("Lab", dave);
    WsClient b = connect(bob);
    WsClient dv = connect(dave);
    settle(dv, "d0");
    assertThat(b.drain(Duration.ofMillis(200))).noneMatch(f -> isPresence(f, daveId));

    addMember(lab, bobId, dave);
    // Within a heartbeat or two, bob's open connection follows Lab.
    Thread.sleep(1200);
    dv.send(Map.of("type", "presence", "status", "away"));
    JsonNode away = presenceOf(b, daveId, "away");
    assertThat(away.path("workspaceId").asText()).isEqualTo(lab);

    api.delete("/api/v1/workspaces/" + lab + "/members/" + bobId, dave).ok(204);
    Thread.sleep(1200);
    b.drain(Duration.ofMillis(100));
    dv.send(Map.of("type", "presence", "status", "online"));
    settle(dv, "d1");
    assertThat(b.drain(Duration.ofMillis(500))).noneMatch(f -> isPresence(f, daveId));
  }
}
