package io.ultrachat.server.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.kernel.json.Json;
import io.ultrachat.server.Api;
import io.ultrachat.server.TwoMembers;
import io.ultrachat.server.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Drives a real realtime session through every frame type and chat event and validates every
 * frame, in both directions, against its schema in the served AsyncAPI document.
 */
class FrameSchemaIT {
  private static final int RESUME_MAX = 3;
  private static final Duration WAIT = Duration.ofSeconds(10);

  private TestServer server;
  private Api api;
  private FrameSchemas schemas;
  private final List<Session> sessions = new ArrayList<>();
  private final Set<String> sentTypes = new TreeSet<>();
  private final Set<String> receivedTypes = new TreeSet<>();
  private final Set<String> receivedEvents = new TreeSet<>();
  private int validated;

  private void start(Map<String, String> settings) {
    TestServer.Builder b = TestServer.on(TestServer.Backend.SQLITE);
    settings.forEach(b::set);
    server = b.start();
    api = server.api();
    schemas = new FrameSchemas(api.get("/api/v1/asyncapi.json").ok(200).json());
  }

  @AfterEach
  void stop() {
    sessions.forEach(Session::close);
    if (server != null) {
      server.close();
    }
  }

  @Test
  void everyFrameInBothDirectionsMatchesItsSchema() throws Exception {
    start(Map.of("realtime.resume-max", Integer.toString(RESUME_MAX)));
    TwoMembers chat = TwoMembers.in(api);
    String alice = chat.alice();
    String bob = chat.bob();
    String bobId = chat.bobId();
    String workspace = chat.workspace();
    String general = chat.conversation();
    String conv = "/api/v1/conversations/" + general;

    // hello → ready, with and without resume.
    Session a = connect(Map.of("type", "hello", "token", alice));
    Session bb = connect(Map.of("type", "hello", "token", bob, "resume", Map.of(general, 0L)));

    // send with and without clientId and ref → ack (with and without ref); the others see message.created.
    a.send(Map.of("type", "send", "ref", "r1", "conversationId", general, "body", "first", "clientId", "c-1"));
    JsonNode ack1 = a.await(type("ack"));
    assertThat(ack1.path("ref").asText()).isEqualTo("r1");
    assertThat(ack1.path("replayed").asBoolean()).isFalse();
    bb.awaitEvent("message.created");
    a.send(Map.of("type", "send", "ref", "r2", "conversationId", general, "body", "second"));
    assertThat(a.await(type("ack")).path("ref").asText()).isEqualTo("r2");
    a.send(Map.of("type", "send", "conversationId", general, "body", "third, no ref"));
    assertThat(a.await(type("ack")).has("ref")).isFalse();
    // The same clientId again: a replayed ack for the original message.
    a.send(Map.of("type", "send", "ref", "r3", "conversationId", general, "body", "first", "clientId", "c-1"));
    JsonNode replay = a.await(type("ack"));
    assertThat(replay.path("replayed").asBoolean()).isTrue();
    assertThat(replay.path("messageId").asText()).isEqualTo(ack1.path("messageId").asText());

    // Sends the server refuses (each a well-formed frame) → error, echoing ref when there is one.
    a.send(Map.of("type", "send", "ref", "e1", "conversationId", general, "body", "   "));
    JsonNode blank = a.await(type("error"));
    assertThat(blank.path("ref").asText()).isEqualTo("e1");
    assertThat(blank.path("code").asText()).isEqualTo("invalid-input");
    a.send(Map.of("type", "send", "conversationId", "1", "body", "nowhere"));
    JsonNode nowhere = a.await(type("error"));
    assertThat(nowhere.has("ref")).isFalse();
    assertThat(nowhere.path("code").asText()).isEqualTo("conversation-not-found");

    // ping → pong, with and without ref.
    a.send(Map.of("type", "ping", "ref", "p1"));
    assertThat(a.await(type("pong")).path("ref").asText()).isEqualTo("p1");
    a.send(Map.of("type", "ping"));
    a.await(type("pong"));

    // typing → a typing event for the members.
    a.send(Map.of("type", "typing", "conversationId", general));
    assertThat(bb.awaitEvent("typing").path("event").path("conversationId").asText()).isEqualTo(general);

    // presence → a presence.changed event for everyone sharing the workspace.
    String aliceId = a.userId;
    a.send(Map.of("type", "presence", "status", "away"));
    JsonNode away = bb.await(f -> "presence.changed".equals(f.path("event").path("type").asText())
        && aliceId.equals(f.path("event").path("userId").asText()) && "away".equals(f.path("event").path("status").asText()))
        .path("event");
    assertThat(away.path("workspaceId").asText()).isEqualTo(workspace);
    a.send(Map.of("type", "presence", "ref", "back", "status", "online"));
    bb.await(f -> "presence.changed".equals(f.path("event").path("type").asText())
        && aliceId.equals(f.path("event").path("userId").asText()) && "online".equals(f.path("event").path("status").asText()));

    // REST changes → message.edited, message.deleted, read.updated, conversation.changed, member.left, member.joined.
    String second = api.get(conv + "/messages", alice).ok(200).json().path("messages").get(1).path("id").asText();
    String third = api.get(conv + "/messages", alice).ok(200).json().path("messages").get(2).path("id").asText();
    // Reactions and pins → reaction.added, reaction.removed, message.pinned, message.unpinned.
    api.raw("PUT", conv + "/messages/" + second + "/reactions/thumbsup", null, "", alice).ok(200);
    assertThat(bb.awaitEvent("reaction.added").path("event").path("emoji").asText()).isEqualTo("thumbsup");
    api.delete(conv + "/messages/" + second + "/reactions/thumbsup", alice).ok(204);
    assertThat(bb.awaitEvent("reaction.removed").path("event").path("emoji").asText()).isEqualTo("thumbsup");
    api.raw("PUT", conv + "/pins/" + second, null, "", alice).ok(200);
    assertThat(bb.awaitEvent("message.pinned").path("event").path("conversationId").asText()).isEqualTo(general);
    api.delete(conv + "/pins/" + second, alice).ok(204);
    assertThat(bb.awaitEvent("message.unpinned").path("event").path("conversationId").asText()).isEqualTo(general);
    // A reply over REST → message.created with threadRootId, then thread.updated.
    api.post(conv + "/messages", Map.of("body", "a reply", "threadRootId", second), alice).ok(201);
    JsonNode replyCreated = bb.await(f -> "message.created".equals(f.path("event").path("type").asText())
        && f.path("event").path("message").has("threadRootId")).path("event");
    assertThat(replyCreated.path("message").path("threadRootId").asText()).isEqualTo(second);
    JsonNode threadUpdated = bb.awaitEvent("thread.updated").path("event");
    assertThat(threadUpdated.path("rootId").asText()).isEqualTo(second);
    assertThat(threadUpdated.path("replyCount").asLong()).isEqualTo(1);
    assertThat(threadUpdated.path("lastReplyAt").isTextual()).isTrue();
    api.patch(conv + "/messages/" + second, Map.of("body", "second, edited"), alice).ok(200);
    assertThat(bb.awaitEvent("message.edited").path("event").path("message").path("body").asText()).isEqualTo("second, edited");
    api.delete(conv + "/messages/" + third, alice).ok(204);
    assertThat(bb.awaitEvent("message.deleted").path("event").path("message").path("body").isNull()).isTrue();
    api.post(conv + "/read", Map.of("seq", 2), bob).ok(204);
    assertThat(bb.awaitEvent("read.updated").path("event").path("lastReadSeq").asLong()).isEqualTo(2);
    api.patch(conv, Map.of("name", "lobby", "topic", "anything goes"), alice).ok(200);
    assertThat(bb.awaitEvent("conversation.changed").path("event").path("conversation").path("name").asText()).isEqualTo("lobby");
    api.delete(conv + "/members/" + bobId, bob).ok(204);
    assertThat(bb.awaitEvent("member.left").path("event").path("userId").asText()).isEqualTo(bobId);
    api.raw("PUT", conv + "/members/" + bobId, null, "", bob).ok(200);
    assertThat(bb.awaitEvent("member.joined").path("event").path("userId").asText()).isEqualTo(bobId);

    // Resume replays within realtime.resume-max (the edited and the deleted message as they are now) …
    Session replayed = connect(Map.of("type", "hello", "token", bob, "resume", Map.of(general, 1L)));
    JsonNode edited = replayed.awaitEvent("message.created").path("event");
    assertThat(edited.path("seq").asLong()).isEqualTo(2);
    assertThat(edited.path("message").path("editedAt").isTextual()).isTrue();
    JsonNode tombstone = replayed.awaitEvent("message.created").path("event");
    assertThat(tombstone.path("seq").asLong()).isEqualTo(3);
    assertThat(tombstone.path("message").path("body").isNull()).isTrue();
    assertThat(tombstone.path("message").path("deletedAt").isTextual()).isTrue();
    // … and past it asks for a resync; a conversation that cannot be read is an error without ref.
    for (int i = 0; i < RESUME_MAX; i++) {
      String ref = "m" + i;
      a.send(Map.of("type", "send", "ref", ref, "conversationId", general, "body", "more " + i));
      a.await(f -> "ack".equals(f.path("type").asText()) && f.path("ref").asText().equals(ref));
    }
    Map<String, Long> resume = new LinkedHashMap<>();
    resume.put(general, 0L);
    resume.put("1", 0L);
    Session resync = connect(Map.of("type", "hello", "token", bob, "resume", resume));
    JsonNode rs = resync.await(type("resync"));
    assertThat(rs.path("conversationId").asText()).isEqualTo(general);
    assertThat(rs.path("fromSeq").asLong()).isEqualTo(1);
    JsonNode unknown = resync.await(type("error"));
    assertThat(unknown.path("code").asText()).isEqualTo("conversation-not-found");
    assertThat(unknown.has("ref")).isFalse();

    // A reply over the WebSocket: send with threadRootId → ack, then message.created and thread.updated.
    a.send(Map.of("type", "send", "ref", "t1", "conversationId", general, "body", "a reply over the socket", "clientId", "c-t1",
        "threadRootId", second));
    assertThat(a.await(type("ack")).path("ref").asText()).isEqualTo("t1");
    assertThat(bb.await(f -> "message.created".equals(f.path("event").path("type").asText())
        && f.path("event").path("message").has("threadRootId")).path("event").path("message").path("body").asText())
        .isEqualTo("a reply over the socket");
    assertThat(bb.awaitEvent("thread.updated").path("event").path("replyCount").asLong()).isEqualTo(2);
    // A send with attachments and no body.
    String upload = api.raw("POST", conv + "/attachments?filename=plan.txt", "text/plain", "the plan", alice).ok(201).json()
        .path("id").asText();
    a.send(Map.of("type", "send", "ref", "f1", "conversationId", general, "attachmentIds", List.of(upload)));
    assertThat(a.await(type("ack")).path("ref").asText()).isEqualTo("f1");
    assertThat(bb.await(f -> "message.created".equals(f.path("event").path("type").asText())
        && f.path("event").path("message").path("attachments").size() == 1).path("event").path("message").path("attachments")
        .get(0).path("id").asText()).isEqualTo(upload);

    // Whatever else arrived is validated too.
    for (Session s : sessions) {
      s.drain(Duration.ofMillis(300));
    }

    // Not vacuous: every documented frame type and event type was seen and validated.
    assertThat(sentTypes).as("client frame types sent").isEqualTo(schemas.clientFrameTypes());
    assertThat(receivedTypes).as("server frame types received").isEqualTo(schemas.serverFrameTypes());
    assertThat(receivedEvents).as("event types received").isEqualTo(schemas.eventTypes());
    assertThat(schemas.clientFrameTypes()).hasSize(5);
    assertThat(schemas.serverFrameTypes()).hasSize(6);
    assertThat(schemas.eventTypes()).hasSize(14);
    assertThat(validated).isGreaterThan(40);
  }

  @Test
  void rateLimitedErrorsMatchTheirSchema() throws Exception {
    start(Map.of("realtime.frame-rate", "1"));
    String alice = api.register("alice", "correct horse").path("accessToken").asText();
    Session a = connect(Map.of("type", "hello", "token", alice));
    for (int i = 0; i < 5; i++) {
      a.send(Map.of("type", "ping", "ref", "burst-" + i));
    }
    JsonNode limited = a.await(type("error"));
    assertThat(limited.path("code").asText()).isEqualTo("rate-limited");
    // The server does not echo the refused frame's ref here (it refuses before parsing); the schema allows both.
    a.drain(Duration.ofMillis(300));
    assertThat(receivedTypes).contains("ready", "error");
  }

  private Session connect(Map<String, ?> hello) throws InterruptedException {
    Session s = new Session(WsClient.connect(server.baseUrl()));
    sessions.add(s);
    s.send(hello);
    JsonNode ready = s.await(type("ready"));
    assertThat(ready.path("protocol").asInt()).isEqualTo(1);
    s.userId = ready.path("userId").asText();
    return s;
  }

  private static Predicate<JsonNode> type(String type) {
    return f -> type.equals(f.path("type").asText());
  }

  /** A connection whose every frame, sent or received, is validated against the document. */
  private final class Session implements AutoCloseable {
    private final WsClient client;
    private String userId;

    Session(WsClient client) {
      this.client = client;
    }

    void send(Map<String, ?> frame) {
      JsonNode node = Json.mapper().valueToTree(frame);
      List<String> violations = schemas.validateClientFrame(node);
      if (!violations.isEmpty()) {
        throw new AssertionError("the test's own frame " + node + " violates its schema:\n  " + String.join("\n  ", violations));
      }
      validated++;
      sentTypes.add(node.path("type").asText());
      client.send(frame);
    }

    /** The next frame matching; every frame passed on the way is validated as well. */
    JsonNode await(Predicate<JsonNode> matching) throws InterruptedException {
      return client.next(f -> {
        check(f);
        return matching.test(f);
      }, WAIT);
    }

    JsonNode awaitEvent(String eventType) throws InterruptedException {
      return await(f -> "event".equals(f.path("type").asText()) && eventType.equals(f.path("event").path("type").asText()));
    }

    void drain(Duration window) throws InterruptedException {
      client.drain(window).forEach(this::check);
    }

    private void check(JsonNode frame) {
      List<String> violations = schemas.validateServerFrame(frame);
      if (!violations.isEmpty()) {
        throw new AssertionError("server frame " + frame + " violates its schema:\n  " + String.join("\n  ", violations));
      }
      validated++;
      receivedTypes.add(frame.path("type").asText());
      if ("event".equals(frame.path("type").asText())) {
        receivedEvents.add(frame.path("event").path("type").asText());
      }
    }

    @Override
    public void close() {
      client.close();
    }
  }
}
