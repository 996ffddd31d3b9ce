package io.ultrachat.server.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The realtime protocol (docs/protocol.md) against a started server, with real WebSocket clients. */
class RealtimeIT {
  private TestServer server;
  private Api api;
  private String alice;
  private String bob;
  private String bobId;
  private String workspace;
  private String general;

  @BeforeEach
  void start() {
    server = TestServer.on(TestServer.Backend.SQLITE)
        .set("realtime.hello-timeout", "1s")
        .set("realtime.resume-max", "20")
        .set("realtime.max-queued-bytes", "64KiB")
        .start();
    api = server.api();
    alice = api.register("alice", "correct horse").path("accessToken").asText();
    JsonNode b = api.register("bob", "battery staple");
    bob = b.path("accessToken").asText();
    bobId = b.path("user").path("id").asText();
    workspace = api.post("/api/v1/workspaces", Map.of("name", "Acme"), alice).ok(201).json().path("id").asText();
    api.raw("PUT", "/api/v1/workspaces/" + workspace + "/members/" + bobId, "application/json", "{\"role\":\"member\"}", alice).ok(200);
    general = api.post("/api/v1/workspaces/" + workspace + "/conversations", Map.of("kind", "public", "name", "general"), alice)
        .ok(201).json().path("id").asText();
    api.raw("PUT", "/api/v1/conversations/" + general + "/members/" + bobId, null, "", bob).ok(200);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private WsClient connect(String token, Map<String, Long> resume) throws InterruptedException {
    WsClient c = WsClient.connect(server.baseUrl());
    c.send(Map.of("type", "hello", "token", token, "resume", resume));
    JsonNode ready = c.next("ready");
    assertThat(ready.path("protocol").asInt()).isEqualTo(1);
    return c;
  }

  private long post(String token, String body) {
    return api.post("/api/v1/conversations/" + general + "/messages", Map.of("body", body), token).ok(201).json().path("seq").asLong();
  }

  @Test
  void whatOneUserSendsTheOtherReceivesLive() throws Exception {
    try (WsClient a = connect(alice, Map.of()); WsClient b = connect(bob, Map.of())) {
      post(alice, "hello over REST");
      JsonNode viaRest = b.nextEvent("message.created");
      assertThat(viaRest.path("conversationId").asText()).isEqualTo(general);
      assertThat(viaRest.path("seq").asLong()).isEqualTo(1);
      assertThat(viaRest.path("message").path("body").asText()).isEqualTo("hello over REST");

      a.send(Map.of("type", "send", "ref", "r1", "conversationId", general, "body", "hello over WebSocket", "clientId", "c-1"));
      JsonNode ack = a.next("ack");
      assertThat(ack.path("ref").asText()).isEqualTo("r1");
      assertThat(ack.path("seq").asLong()).isEqualTo(2);
      assertThat(ack.path("replayed").asBoolean()).isFalse();
      assertThat(b.nextEvent("message.created").path("message").path("body").asText()).isEqualTo("hello over WebSocket");

      a.send(Map.of("type", "send", "ref", "r2", "conversationId", general, "body", "hello over WebSocket", "clientId", "c-1"));
      JsonNode replay = a.next("ack");
      assertThat(replay.path("replayed").asBoolean()).isTrue();
      assertThat(replay.path("messageId").asText()).isEqualTo(ack.path("messageId").asText());
    }
  }

  @Test
  void readyListsPositionsAndResumeReplaysExactlyWhatWasMissedThenGoesLive() throws Exception {
    long last;
    try (WsClient b = connect(bob, Map.of())) {
      post(alice, "one");
      last = b.nextEvent("message.created").path("seq").asLong();
    }
    for (int i = 0; i < 5; i++) {
      post(alice, "missed " + i);
    }
    WsClient b = WsClient.connect(server.baseUrl());
    b.send(Map.of("type", "hello", "token", bob, "resume", Map.of(general, last)));
    JsonNode ready = b.next("ready");
    assertThat(ready.path("conversations").path(general).asLong()).isEqualTo(6);
    for (int i = 0; i < 5; i++) {
      JsonNode e = b.nextEvent("message.created");
      assertThat(e.path("seq").asLong()).isEqualTo(last + 1 + i);
      assertThat(e.path("message").path("body").asText()).isEqualTo("missed " + i);
    }
    post(alice, "live again");
    assertThat(b.nextEvent("message.created").path("seq").asLong()).isEqualTo(7);
    assertThat(b.drain(Duration.ofMillis(300))).noneMatch(f -> "event".equals(f.path("type").asText())
        && f.path("event").path("seq").asLong() < 7);
    b.close();
  }

  @Test
  void resumedMessagesCarryTheirAttachmentsAndReactionsLikeLiveOnes() throws Exception {
    String upload = api.raw("POST", "/api/v1/conversations/" + general + "/attachments?filename=plan.txt", "text/plain", "the plan", alice)
        .ok(201).json().path("id").asText();
    JsonNode sent = api.post("/api/v1/conversations/" + general + "/messages", Map.of("body", "see attached", "attachmentIds",
        java.util.List.of(upload)), alice).ok(201).json();
    api.raw("PUT", "/api/v1/conversations/" + general + "/messages/" + sent.path("id").asText() + "/reactions/%F0%9F%91%8D", null, "", bob)
        .ok(200);
    try (WsClient b = connect(bob, Map.of(general, 0L))) {
      JsonNode replayed = b.nextEvent("message.created").path("message");
      assertThat(replayed.path("id").asText()).isEqualTo(sent.path("id").asText());
      assertThat(replayed.path("attachments")).hasSize(1);
      assertThat(replayed.path("attachments").get(0).path("id").asText()).isEqualTo(upload);
      assertThat(replayed.path("reactions")).hasSize(1);
      assertThat(replayed.path("reactions").get(0).path("count").asLong()).isEqualTo(1);
    }
  }

  @Test
  void tooMuchMissedAsksForAResync() throws Exception {
    for (int i = 0; i < 25; i++) {
      post(alice, "m" + i);
    }
    WsClient b = WsClient.connect(server.baseUrl());
    b.send(Map.of("type", "hello", "token", bob, "resume", Map.of(general, 0L)));
    b.next("ready");
    JsonNode resync = b.next("resync");
    assertThat(resync.path("conversationId").asText()).isEqualTo(general);
    assertThat(resync.path("fromSeq").asLong()).isEqualTo(1);
    b.close();
  }

  @Test
  void joiningAConversationStartsItsEventsOnOpenConnections() throws Exception {
    String secret = api.post("/api/v1/workspaces/" + workspace + "/conversations", Map.of("kind", "private", "name", "secret"), alice)
        .ok(201).json().path("id").asText();
    try (WsClient b = connect(bob, Map.of())) {
      api.raw("PUT", "/api/v1/conversations/" + secret + "/members/" + bobId, null, "", alice).ok(200);
      assertThat(b.nextEvent("member.joined").path("conversationId").asText()).isEqualTo(secret);
      api.post("/api/v1/conversations/" + secret + "/messages", Map.of("body", "welcome"), alice).ok(201);
      JsonNode e = b.nextEvent("message.created");
      assertThat(e.path("conversationId").asText()).isEqualTo(secret);
    }
  }

  @Test
  void nonMembersGetNothingAndCannotSend() throws Exception {
    JsonNode carol = api.register("carol", "carol password");
    try (WsClient c = connect(carol.path("accessToken").asText(), Map.of(general, 0L))) {
      assertThat(c.next("error").path("code").asText()).isEqualTo("conversation-not-found");
      post(alice, "not for carol");
      c.send(Map.of("type", "send", "ref", "x", "conversationId", general, "body", "let me in"));
      assertThat(c.next("error").path("code").asText()).isEqualTo("conversation-not-found");
      assertThat(c.drain(Duration.ofMillis(300))).noneMatch(f -> "event".equals(f.path("type").asText()));
    }
  }

  @Test
  void badSendsGetErrorFramesAndTheConnectionStays() throws Exception {
    try (WsClient a = connect(alice, Map.of())) {
      a.send(Map.of("type", "send", "ref", "e1", "conversationId", general, "body", ""));
      JsonNode empty = a.next("error");
      assertThat(empty.path("ref").asText()).isEqualTo("e1");
      assertThat(empty.path("code").asText()).isEqualTo("invalid-input");
      a.send(Map.of("type", "send", "ref", "e2", "conversationId", general, "body", "x".repeat(4001)));
      assertThat(a.next("error").path("code").asText()).isEqualTo("invalid-input");
      a.send(Map.of("type", "ping", "ref", "p"));
      assertThat(a.next("pong").path("ref").asText()).isEqualTo("p");
    }
    assertThat(api.get("/api/v1/conversations/" + general + "/messages", alice).json().path("messages")).isEmpty();
  }

  @Test
  void helloMustComeFirstWithAValidTokenAndInTime() throws Exception {
    WsClient bad = WsClient.connect(server.baseUrl());
    bad.send(Map.of("type", "hello", "token", "not-a-token"));
    assertThat(bad.closeCode(Duration.ofSeconds(5))).isEqualTo(4001);

    WsClient silent = WsClient.connect(server.baseUrl());
    assertThat(silent.closeCode(Duration.ofSeconds(5))).isEqualTo(4001);

    WsClient early = WsClient.connect(server.baseUrl());
    early.send(Map.of("type", "send", "conversationId", general, "body", "x"));
    assertThat(early.closeCode(Duration.ofSeconds(5))).isEqualTo(4002);

    WsClient garbage = WsClient.connect(server.baseUrl());
    garbage.sendRaw("this is not json");
    assertThat(garbage.closeCode(Duration.ofSeconds(5))).isEqualTo(4002);
  }

  @Test
  void aSendWithThreadRootIdRepliesInTheThreadLikeRest() throws Exception {
    String root = api.post("/api/v1/conversations/" + general + "/messages", Map.of("body", "lunch?"), alice).ok(201).json()
        .path("id").asText();
    try (WsClient a = connect(alice, Map.of()); WsClient b = connect(bob, Map.of())) {
      Map<String, Object> reply = new LinkedHashMap<>();
      reply.put("type", "send");
      reply.put("ref", "t1");
      reply.put("conversationId", general);
      reply.put("body", "count me in");
      reply.put("clientId", "reply-1");
      reply.put("threadRootId", root);
      a.send(reply);
      JsonNode ack = a.next("ack");
      assertThat(ack.path("ref").asText()).isEqualTo("t1");
      assertThat(ack.path("seq").asLong()).isEqualTo(2);
      assertThat(ack.path("replayed").asBoolean()).isFalse();
      JsonNode created = b.nextEvent("message.created");
      assertThat(created.path("message").path("id").asText()).isEqualTo(ack.path("messageId").asText());
      assertThat(created.path("message").path("threadRootId").asText()).isEqualTo(root);
      JsonNode thread = b.nextEvent("thread.updated");
      assertThat(thread.path("rootId").asText()).isEqualTo(root);
      assertThat(thread.path("replyCount").asLong()).isEqualTo(1);

      // A retry with the same clientId answers with the original and stores nothing new.
      reply.put("ref", "t2");
      a.send(reply);
      JsonNode again = a.next("ack");
      assertThat(again.path("replayed").asBoolean()).isTrue();
      assertThat(again.path("messageId").asText()).isEqualTo(ack.path("messageId").asText());
      assertThat(b.drain(Duration.ofMillis(300))).noneMatch(f -> "thread.updated".equals(f.path("event").path("type").asText()));
    }
    JsonNode replies = api.get("/api/v1/conversations/" + general + "/messages/" + root + "/thread", bob).ok(200).json()
        .path("replies");
    assertThat(replies).hasSize(1);
    assertThat(replies.get(0).path("body").asText()).isEqualTo("count me in");
  }

  @Test
  void badThreadRootsGetErrorFramesAndNothingIsStored() throws Exception {
    String conv = "/api/v1/conversations/" + general + "/messages";
    String root = api.post(conv, Map.of("body", "root"), alice).ok(201).json().path("id").asText();
    String reply = api.post(conv, Map.of("body", "reply", "threadRootId", root), alice).ok(201).json().path("id").asText();
    String gone = api.post(conv, Map.of("body", "soon deleted"), alice).ok(201).json().path("id").asText();
    api.delete(conv + "/" + gone, alice).ok(204);
    String elsewhere = api.post("/api/v1/workspaces/" + workspace + "/conversations", Map.of("kind", "public", "name", "random"), alice)
        .ok(201).json().path("id").asText();
    String foreign = api.post("/api/v1/conversations/" + elsewhere + "/messages", Map.of("body", "other room"), alice).ok(201).json()
        .path("id").asText();
    Map<Object, String> cases = new LinkedHashMap<>();
    cases.put("abc", "invalid-input");
    cases.put(42, "invalid-input");
    cases.put("12345678901234567890", "invalid-input");
    cases.put("", "invalid-input");
    cases.put("999999", "message-not-found");
    cases.put(foreign, "message-not-found");
    cases.put(reply, "invalid-input");
    cases.put(gone, "message-deleted");
    try (WsClient a = connect(alice, Map.of())) {
      int i = 0;
      for (Map.Entry<Object, String> c : cases.entrySet()) {
        String ref = "bad-" + i++;
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "send");
        frame.put("ref", ref);
        frame.put("conversationId", general);
        frame.put("body", "a reply that must not be stored");
        frame.put("threadRootId", c.getKey());
        a.send(frame);
        JsonNode error = a.next("error");
        assertThat(error.path("ref").asText()).isEqualTo(ref);
        assertThat(error.path("code").asText()).as("threadRootId %s", c.getKey()).isEqualTo(c.getValue());
      }
      assertThat(a.drain(Duration.ofMillis(200))).noneMatch(f -> "ack".equals(f.path("type").asText()));
    }
    JsonNode messages = api.get(conv, alice).ok(200).json().path("messages");
    assertThat(messages).hasSize(3);
    assertThat(messages).noneMatch(m -> "a reply that must not be stored".equals(m.path("body").asText()));
    assertThat(api.get(conv + "/" + root + "/thread", alice).ok(200).json().path("replies")).hasSize(1);
  }

  @Test
  void aSendMayCarryAttachmentsWithTheRulesOfRest() throws Exception {
    String uploads = "/api/v1/conversations/" + general + "/attachments?filename=notes.txt";
    String mine = api.raw("POST", uploads, "text/plain", "meeting notes", alice).ok(201).json().path("id").asText();
    String bobs = api.raw("POST", uploads, "text/plain", "bob's notes", bob).ok(201).json().path("id").asText();
    try (WsClient a = connect(alice, Map.of()); WsClient b = connect(bob, Map.of())) {
      // Refused: no body and no attachments, a malformed list, someone else's upload, too many.
      Map<String, Object> frame = new LinkedHashMap<>();
      frame.put("type", "send");
      frame.put("ref", "a0");
      frame.put("conversationId", general);
      a.send(frame);
      assertThat(a.next("error").path("detail").asText()).startsWith("body");
      frame.put("attachmentIds", mine);
      frame.put("ref", "a1");
      a.send(frame);
      assertThat(a.next("error").path("detail").asText()).startsWith("attachmentIds");
      frame.put("attachmentIds", List.of("not-an-id"));
      a.send(frame);
      assertThat(a.next("error").path("detail").asText()).startsWith("attachmentIds[0]");
      frame.put("attachmentIds", List.of(bobs));
      a.send(frame);
      assertThat(a.next("error").path("code").asText()).isEqualTo("invalid-input");
      List<String> many = new ArrayList<>();
      for (int i = 0; i < 11; i++) {
        many.add(Long.toString(1000 + i));
      }
      frame.put("attachmentIds", many);
      a.send(frame);
      assertThat(a.next("error").path("code").asText()).isEqualTo("invalid-input");

      // Accepted: attachments without a body.
      frame.put("ref", "a2");
      frame.put("attachmentIds", List.of(mine));
      a.send(frame);
      JsonNode ack = a.next("ack");
      assertThat(ack.path("ref").asText()).isEqualTo("a2");
      JsonNode created = b.nextEvent("message.created").path("message");
      assertThat(created.path("id").asText()).isEqualTo(ack.path("messageId").asText());
      assertThat(created.path("attachments")).hasSize(1);
      assertThat(created.path("attachments").get(0).path("id").asText()).isEqualTo(mine);

      // The same upload again is taken.
      frame.put("ref", "a3");
      frame.put("body", "again");
      a.send(frame);
      assertThat(a.next("error").path("code").asText()).isEqualTo("attachment-in-use");
    }
    assertThat(api.get("/api/v1/conversations/" + general + "/messages", alice).json().path("messages")).hasSize(1);
  }

  @Test
  void aBurstOfFramesToAClientThatReadsIsNotMistakenForASlowConsumer() throws Exception {
    // Resume writes its replay from one thread as fast as it can: far more frames at once than
    // Vert.x lets wait for the event loop before it reports the write queue full.
    for (int i = 1; i <= 20; i++) {
      post(alice, "missed " + i);
    }
    for (int round = 0; round < 5; round++) {
      try (WsClient b = connect(bob, Map.of(general, 0L))) {
        for (int seq = 1; seq <= 20; seq++) {
          assertThat(b.nextEvent("message.created").path("seq").asLong()).isEqualTo(seq);
        }
        b.send(Map.of("type", "ping", "ref", "still-open"));
        assertThat(b.next("pong").path("ref").asText()).isEqualTo("still-open");
        assertThat(b.isClosedByServer()).isFalse();
      }
    }
  }

  @Test
  void aSlowConsumerIsCutOffWith4008WithoutSlowingOthers() throws Exception {
    WsClient slow = WsClient.connectWithoutReading(server.baseUrl());
    slow.send(Map.of("type", "hello", "token", bob));
    int sent = 0;
    try (WsClient fast = connect(alice, Map.of())) {
      String big = "y".repeat(4000);
      // The slow client reads nothing; once the kernel's socket buffers and its 64 KiB outbound
      // buffer are full, the server must cut it off. Bounded: at most 3,000 messages.
      while (!slow.isClosedByServer() && sent < 3000) {
        post(alice, big);
        sent++;
      }
      slow.readEverything();
      assertThat(slow.closeCode(Duration.ofSeconds(10))).isEqualTo(4008);
      // The fast client kept up the whole time and got every message in order.
      for (int i = 1; i <= sent; i++) {
        assertThat(fast.nextEvent("message.created").path("seq").asLong()).isEqualTo(i);
      }
    }

    // The slow client resumes from what it got and ends up with every message exactly once:
    // replayed if few were missed, else told to resync and fetching the rest over REST.
    TreeMap<Long, String> got = new TreeMap<>();
    for (JsonNode f : slow.drain(Duration.ofMillis(300))) {
      if ("message.created".equals(f.path("event").path("type").asText())) {
        long seq = f.path("event").path("seq").asLong();
        assertThat(got.isEmpty() ? 1 : got.lastKey() + 1).as("seqs before the cut-off arrive in order").isEqualTo(seq);
        got.put(seq, f.path("event").path("message").path("id").asText());
      }
    }
    long lastSeen = got.isEmpty() ? 0 : got.lastKey();
    assertThat(lastSeen).isLessThan(sent);
    try (WsClient again = connect(bob, Map.of(general, lastSeen))) {
      List<JsonNode> missed = new ArrayList<>();
      JsonNode first = again.next(f -> "resync".equals(f.path("type").asText())
          || "message.created".equals(f.path("event").path("type").asText()), Duration.ofSeconds(10));
      if ("resync".equals(first.path("type").asText())) {
        assertThat(first.path("fromSeq").asLong()).isEqualTo(lastSeen + 1);
        long after = lastSeen;
        while (true) {
          JsonNode page = api.get("/api/v1/conversations/" + general + "/messages?after=" + after + "&limit=200", bob).ok(200).json();
          page.path("messages").forEach(m -> missed.add(m));
          if (!page.path("hasMoreAfter").asBoolean()) {
            break;
          }
          after = page.path("messages").get(page.path("messages").size() - 1).path("seq").asLong();
        }
      } else {
        missed.add(first.path("event").path("message"));
        while (missed.size() < sent - lastSeen) {
          missed.add(again.nextEvent("message.created").path("message"));
        }
      }
      for (JsonNode m : missed) {
        String previous = got.put(m.path("seq").asLong(), m.path("id").asText());
        assertThat(previous).as("seq %s seen twice", m.path("seq").asLong()).isNull();
      }
    }
    assertThat(got.keySet()).hasSize(sent);
    assertThat(got.firstKey()).isEqualTo(1);
    assertThat(got.lastKey()).isEqualTo(sent);
  }

  @Test
  void theWebSocketPathRefusesPlainHttp() {
    api.get("/api/v1/realtime").problem(400, "websocket-upgrade-required");
  }

}
