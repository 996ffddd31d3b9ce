package io.ultrachat.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** Message threads (replies) over HTTP; subclasses run it on SQLite and on PostgreSQL. */
abstract class ThreadApiContract extends ChatApiTestBase {
  ThreadApiContract(TestServer.Backend backend) {
    super(backend);
  }

  private User alice;
  private User bob;
  private String ws;
  private String general;

  private void setUp() {
    alice = user("alice");
    bob = user("bob");
    ws = workspace(alice, "Acme");
    addToWorkspace(alice, ws, bob, "member");
    general = api.post(ws(ws) + "/conversations", Map.of("kind", "public", "name", "general"), alice.token).ok(201).json()
        .path("id").asText();
    put(conv(general) + "/members/" + bob.id, null, bob.token).ok(200);
  }

  private String message(User by, String body) {
    return send(by, general, body, null).ok(201).json().path("id").asText();
  }

  private Api.Response reply(User by, String conversation, String root, String body, String clientId) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("body", body);
    json.put("threadRootId", root);
    if (clientId != null) {
      json.put("clientId", clientId);
    }
    return api.post(conv(conversation) + "/messages", json, by.token);
  }

  private String thread(String conversation, String root) {
    return conv(conversation) + "/messages/" + root + "/thread";
  }

  private JsonNode latest(User as) {
    return api.get(conv(general) + "/messages", as.token).ok(200).json().path("messages");
  }

  private static JsonNode byId(JsonNode messages, String id) {
    for (JsonNode m : messages) {
      if (m.path("id").asText().equals(id)) {
        return m;
      }
    }
    throw new AssertionError("no message " + id + " in " + messages);
  }

  private static List<String> ids(JsonNode messages) {
    List<String> out = new ArrayList<>();
    messages.forEach(m -> out.add(m.path("id").asText()));
    return out;
  }

  @Test
  void repliesFormAThreadAndStayInTheMainHistory() {
    setUp();
    String root = message(alice, "lunch?");
    // Cache the latest page first: the summary must still show after replies.
    assertThat(byId(latest(alice), root).has("thread")).isFalse();
    clock.advance(Duration.ofSeconds(1));
    JsonNode first = reply(bob, general, root, "yes", null).ok(201).json();
    assertThat(first.path("threadRootId").asText()).isEqualTo(root);
    assertThat(first.path("seq").asLong()).as("replies take the conversation's next seq").isEqualTo(2);
    clock.advance(Duration.ofSeconds(1));
    JsonNode second = reply(alice, general, root, "great", "c-1").ok(201).json();
    assertThat(second.path("seq").asLong()).isEqualTo(3);
    // A retried reply is answered with the original.
    assertThat(reply(alice, general, root, "great", "c-1").ok(200).json().path("id").asText()).isEqualTo(second.path("id").asText());
    String plain = message(bob, "unrelated");

    JsonNode history = latest(bob);
    assertThat(ids(history)).as("replies are in the main history too")
        .containsExactly(root, first.path("id").asText(), second.path("id").asText(), plain);
    JsonNode rootJson = byId(history, root);
    assertThat(rootJson.has("threadRootId")).isFalse();
    assertThat(rootJson.path("thread").path("replyCount").asLong()).isEqualTo(2);
    assertThat(assertInstant(rootJson.path("thread").path("lastReplyAt"))).isEqualTo(createdAt(second));
    assertThat(rootJson.path("thread").path("participants")).extracting(JsonNode::asText).containsExactly(bob.id, alice.id);
    assertThat(byId(history, first.path("id").asText()).path("threadRootId").asText()).isEqualTo(root);
    assertThat(byId(history, plain).has("threadRootId")).isFalse();
    assertThat(byId(history, plain).has("thread")).isFalse();
    assertThat(api.get(conv(general) + "/messages/" + root, bob.token).ok(200).json().path("thread").path("replyCount").asLong())
        .isEqualTo(2);
    assertThat(api.get(conv(general) + "/messages/" + first.path("id").asText(), bob.token).ok(200).json()
        .path("threadRootId").asText()).isEqualTo(root);

    JsonNode t = api.get(thread(general, root), bob.token).ok(200).json();
    assertThat(t.path("root").path("id").asText()).isEqualTo(root);
    assertThat(t.path("root").path("thread").path("replyCount").asLong()).isEqualTo(2);
    assertThat(texts(t.path("replies"))).containsExactly("yes", "great");
    assertThat(t.path("hasMore").asBoolean()).isFalse();

    // A message without replies has an empty thread.
    JsonNode empty = api.get(thread(general, plain), bob.token).ok(200).json();
    assertThat(empty.path("replies")).isEmpty();
    assertThat(empty.path("root").has("thread")).isFalse();
  }

  private static Instant createdAt(JsonNode message) {
    return Instant.parse(message.path("createdAt").asText());
  }

  private static List<String> texts(JsonNode messages) {
    List<String> out = new ArrayList<>();
    messages.forEach(m -> out.add(m.path("body").asText()));
    return out;
  }

  @Test
  void invalidRootsAreRefused() {
    setUp();
    String root = message(alice, "root");
    String reply = reply(bob, general, root, "reply", null).ok(201).json().path("id").asText();
    // Threads are one level deep.
    reply(alice, general, reply, "nested", null).problem(400, "invalid-input");
    api.get(thread(general, reply), alice.token).problem(400, "invalid-input");
    reply(alice, general, "123456789", "nowhere", null).problem(404, "message-not-found");
    reply(alice, general, "not-a-number", "nowhere", null).problem(400, "invalid-input");
    // A root of another conversation is not found here.
    String random = api.post(ws(ws) + "/conversations", Map.of("kind", "public", "name", "random"), alice.token).ok(201).json()
        .path("id").asText();
    reply(alice, random, root, "elsewhere", null).problem(404, "message-not-found");
    // Deleted roots take no replies, but their thread stays readable.
    api.delete(conv(general) + "/messages/" + root, alice.token).ok(204);
    reply(bob, general, root, "too late", null).problem(409, "message-deleted");
    JsonNode t = api.get(thread(general, root), bob.token).ok(200).json();
    assertThat(t.path("root").path("body").isNull()).isTrue();
    assertThat(t.path("replies")).hasSize(1);
    assertThat(t.path("root").path("thread").path("replyCount").asLong()).isEqualTo(1);
    // Nothing was appended by the refused replies.
    assertThat(latest(alice)).hasSize(2);
  }

  @Test
  void threadPagesAndPermissions() {
    setUp();
    String root = message(alice, "root");
    List<String> replies = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      replies.add(reply(i % 2 == 0 ? bob : alice, general, root, "r" + i, null).ok(201).json().path("id").asText());
      message(alice, "between " + i);
    }
    JsonNode page1 = api.get(thread(general, root) + "?limit=2", bob.token).ok(200).json();
    assertThat(ids(page1.path("replies"))).containsExactlyElementsOf(replies.subList(0, 2));
    assertThat(page1.path("hasMore").asBoolean()).isTrue();
    long lastSeq = page1.path("replies").get(1).path("seq").asLong();
    JsonNode page2 = api.get(thread(general, root) + "?limit=2&after=" + lastSeq, bob.token).ok(200).json();
    assertThat(ids(page2.path("replies"))).containsExactlyElementsOf(replies.subList(2, 4));
    assertThat(page2.path("hasMore").asBoolean()).isTrue();
    JsonNode page3 = api.get(thread(general, root) + "?limit=2&after=" + page2.path("replies").get(1).path("seq").asLong(),
        bob.token).ok(200).json();
    assertThat(ids(page3.path("replies"))).containsExactly(replies.get(4));
    assertThat(page3.path("hasMore").asBoolean()).isFalse();
    api.get(thread(general, root) + "?limit=0", bob.token).problem(400, "invalid-input");
    api.get(thread(general, root) + "?limit=201", bob.token).problem(400, "invalid-input");
    api.get(thread(general, root) + "?after=x", bob.token).problem(400, "invalid-input");
    api.get(thread(general, "123456789"), bob.token).problem(404, "message-not-found");

    // Readers who are not members may read the thread; they may not reply.
    User carol = user("carol");
    addToWorkspace(alice, ws, carol, "member");
    assertThat(api.get(thread(general, root), carol.token).ok(200).json().path("replies")).hasSize(5);
    reply(carol, general, root, "hi", null).problem(403, "not-a-member");
    // Outsiders, and non-members of a private conversation, see nothing.
    User oscar = user("oscar");
    api.get(thread(general, root), oscar.token).problem(404, "conversation-not-found");
    String secret = api.post(ws(ws) + "/conversations", Map.of("kind", "private", "name", "secret"), alice.token).ok(201).json()
        .path("id").asText();
    String hidden = send(alice, secret, "hidden root", null).ok(201).json().path("id").asText();
    reply(alice, secret, hidden, "hidden reply", null).ok(201);
    api.get(thread(secret, hidden), bob.token).problem(404, "conversation-not-found");
    reply(bob, secret, hidden, "let me in", null).problem(404, "conversation-not-found");
    assertThat(api.get(thread(secret, hidden), alice.token).ok(200).json().path("replies")).hasSize(1);
  }

  @Test
  void concurrentRepliesAreAllCounted() throws Exception {
    setUp();
    String root = message(alice, "reply to me");
    List<User> people = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      User u = user("user" + i);
      addToWorkspace(alice, ws, u, "member");
      put(conv(general) + "/members/" + u.id, null, u.token).ok(200);
      people.add(u);
    }
    List<Callable<Integer>> byEight = people.stream()
        .<Callable<Integer>>map(u -> () -> reply(u, general, root, "me too", null).status()).toList();
    assertThat(together(byEight)).containsOnly(201);
    JsonNode summary = api.get(conv(general) + "/messages/" + root, alice.token).ok(200).json().path("thread");
    assertThat(summary.path("replyCount").asLong()).isEqualTo(8);
    // Participants are the reply authors; the root's author is not counted unless they reply.
    assertThat(summary.path("participants")).extracting(JsonNode::asText)
        .containsExactlyInAnyOrderElementsOf(people.stream().map(u -> u.id).toList());
    JsonNode t = api.get(thread(general, root), alice.token).ok(200).json();
    assertThat(t.path("replies")).hasSize(8);
    long previous = 0;
    for (JsonNode r : t.path("replies")) {
      assertThat(r.path("seq").asLong()).isGreaterThan(previous);
      previous = r.path("seq").asLong();
    }
    assertThat(previous).as("gapless seq: root 1, replies 2..9").isEqualTo(9);
    // The root author replying joins the participants, once.
    reply(alice, general, root, "thanks all", null).ok(201);
    reply(alice, general, root, "really", null).ok(201);
    summary = api.get(conv(general) + "/messages/" + root, alice.token).ok(200).json().path("thread");
    assertThat(summary.path("replyCount").asLong()).isEqualTo(10);
    assertThat(summary.path("participants")).hasSize(9);
    assertThat(summary.path("participants").get(8).asText()).isEqualTo(alice.id);
  }

}
