package io.ultrachat.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.server.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** Reactions, pins and mentions over HTTP; subclasses run it on SQLite and on PostgreSQL. */
abstract class ReactionPinMentionApiContract extends ChatApiTestBase {
  ReactionPinMentionApiContract(TestServer.Backend backend) {
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

  private static String reaction(String conversation, String message, String emoji) {
    return conv(conversation) + "/messages/" + message + "/reactions/" + URLEncoder.encode(emoji, StandardCharsets.UTF_8);
  }

  private String message(User by, String body) {
    return send(by, general, body, null).ok(201).json().path("id").asText();
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

  @Test
  void reactionsShowInHistoryWithCountsAndMeAndSurviveTheCache() {
    setUp();
    String m = message(alice, "hello");
    // Read history first, so the page is cached; the reaction must still show on the next read.
    assertThat(byId(latest(alice), m).path("reactions")).isEmpty();
    JsonNode reacted = put(reaction(general, m, "thumbsup"), null, bob.token).ok(200).json();
    assertThat(reacted.path("reactions").get(0).path("emoji").asText()).isEqualTo("thumbsup");
    assertThat(reacted.path("reactions").get(0).path("count").asLong()).isEqualTo(1);
    assertThat(reacted.path("reactions").get(0).path("me").asBoolean()).isTrue();
    put(reaction(general, m, "thumbsup"), null, bob.token).ok(200);
    put(reaction(general, m, "\uD83C\uDF89"), null, alice.token).ok(200);
    put(reaction(general, m, "thumbsup"), null, alice.token).ok(200);

    JsonNode asAlice = byId(latest(alice), m).path("reactions");
    assertThat(asAlice).hasSize(2);
    assertThat(asAlice.get(0).path("emoji").asText()).as("ordered by first use").isEqualTo("thumbsup");
    assertThat(asAlice.get(0).path("count").asLong()).isEqualTo(2);
    assertThat(asAlice.get(1).path("emoji").asText()).isEqualTo("\uD83C\uDF89");
    assertThat(asAlice.get(1).path("me").asBoolean()).isTrue();
    JsonNode asBob = byId(latest(bob), m).path("reactions");
    assertThat(asBob.get(1).path("me").asBoolean()).isFalse();
    assertThat(api.get(conv(general) + "/messages/" + m, bob.token).ok(200).json().path("reactions")).hasSize(2);

    api.delete(reaction(general, m, "thumbsup"), bob.token).ok(204);
    api.delete(reaction(general, m, "thumbsup"), bob.token).problem(404, "reaction-not-found");
    assertThat(byId(latest(alice), m).path("reactions").get(0).path("count").asLong()).isEqualTo(1);
    api.delete(reaction(general, m, "\uD83C\uDF89"), alice.token).ok(204);
    assertThat(byId(latest(alice), m).path("reactions")).hasSize(1);
  }

  @Test
  void invalidEmojiAndLimitsAndDeletedMessages() {
    setUp();
    String m = message(alice, "hello");
    put(reaction(general, m, "Thumbs Up"), null, bob.token).problem(400, "invalid-input");
    put(reaction(general, m, "x".repeat(33)), null, bob.token).problem(400, "invalid-input");
    put(reaction(general, m, "ab"), null, bob.token).ok(200);
    put(reaction(general, m, "+1"), null, bob.token).ok(200);
    put(reaction(general, m, "\uD83D\uDC4D\uD83D\uDC4D"), null, bob.token).problem(400, "invalid-input");
    put(reaction(general, m, "é"), null, bob.token).problem(400, "invalid-input");
    // A family emoji is one grapheme of several code points.
    put(reaction(general, m, "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67"), null, bob.token).ok(200);
    for (int i = 0; i < 17; i++) {
      put(reaction(general, m, "e" + i), null, alice.token).ok(200);
    }
    put(reaction(general, m, "one_more"), null, alice.token).problem(409, "too-many-reactions");
    put(reaction(general, m, "e3"), null, bob.token).ok(200);
    assertThat(byId(latest(alice), m).path("reactions")).hasSize(20);

    api.delete(conv(general) + "/messages/" + m, alice.token).ok(204);
    put(reaction(general, m, "ab"), null, bob.token).problem(409, "message-deleted");
    put(conv(general) + "/pins/" + m, null, bob.token).problem(409, "message-deleted");
    put(reaction(general, "123456789", "ab"), null, bob.token).problem(404, "message-not-found");
  }

  @Test
  void outsidersGet404AndVisibleNonMembers403() {
    setUp();
    User carol = user("carol");
    User oscar = user("oscar");
    addToWorkspace(alice, ws, carol, "member");
    String m = message(alice, "hello");
    put(reaction(general, m, "ab"), null, oscar.token).problem(404, "conversation-not-found");
    put(conv(general) + "/pins/" + m, null, oscar.token).problem(404, "conversation-not-found");
    api.get(conv(general) + "/pins", oscar.token).problem(404, "conversation-not-found");
    put(reaction(general, m, "ab"), null, carol.token).problem(403, "not-a-member");
    api.delete(reaction(general, m, "ab"), carol.token).problem(403, "not-a-member");
    put(conv(general) + "/pins/" + m, null, carol.token).problem(403, "not-a-member");
    // Readers may see pins.
    assertThat(api.get(conv(general) + "/pins", carol.token).ok(200).json().path("messages")).isEmpty();
  }

  @Test
  void concurrentReactionsCountEachUserOnce() throws Exception {
    setUp();
    String m = message(alice, "react to me");
    List<User> people = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      User u = user("user" + i);
      addToWorkspace(alice, ws, u, "member");
      put(conv(general) + "/members/" + u.id, null, u.token).ok(200);
      people.add(u);
    }
    List<Callable<Integer>> byEight = people.stream()
        .<Callable<Integer>>map(u -> () -> put(reaction(general, m, "tada"), null, u.token).status()).toList();
    assertThat(together(byEight)).containsOnly(200);
    List<Callable<Integer>> byOne = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      byOne.add(() -> put(reaction(general, m, "fire"), null, bob.token).status());
    }
    assertThat(together(byOne)).containsOnly(200);
    JsonNode reactions = byId(latest(alice), m).path("reactions");
    assertThat(reactions.get(0).path("emoji").asText()).isEqualTo("tada");
    assertThat(reactions.get(0).path("count").asLong()).isEqualTo(8);
    assertThat(reactions.get(1).path("emoji").asText()).isEqualTo("fire");
    assertThat(reactions.get(1).path("count").asLong()).isEqualTo(1);
  }


  @Test
  void pinsListNewestFirstAndUnpin() {
    setUp();
    String first = message(alice, "first");
    String second = message(alice, "second");
    assertThat(put(conv(general) + "/pins/" + first, null, bob.token).ok(200).json().path("pinned").asBoolean()).isTrue();
    clock.advance(java.time.Duration.ofSeconds(1));
    put(conv(general) + "/pins/" + second, null, alice.token).ok(200);
    put(conv(general) + "/pins/" + first, null, alice.token).ok(200);
    JsonNode pins = api.get(conv(general) + "/pins", bob.token).ok(200).json().path("messages");
    assertThat(pins).hasSize(2);
    assertThat(pins.get(0).path("id").asText()).isEqualTo(second);
    assertThat(pins.get(1).path("id").asText()).isEqualTo(first);
    assertThat(byId(latest(alice), first).path("pinned").asBoolean()).isTrue();

    api.delete(conv(general) + "/pins/" + first, bob.token).ok(204);
    api.delete(conv(general) + "/pins/" + first, bob.token).problem(404, "pin-not-found");
    assertThat(api.get(conv(general) + "/pins", bob.token).ok(200).json().path("messages")).hasSize(1);
    assertThat(byId(latest(alice), first).path("pinned").asBoolean()).isFalse();
  }

  @Test
  void atMostAHundredPins() {
    setUp();
    for (int i = 0; i < 100; i++) {
      put(conv(general) + "/pins/" + message(alice, "m" + i), null, alice.token).ok(200);
    }
    String extra = message(alice, "one too many");
    put(conv(general) + "/pins/" + extra, null, alice.token).problem(409, "too-many-pins");
  }

  @Test
  void mentionsAreParsedCountedAndDropWhenRead() {
    setUp();
    User carol = user("carol");
    User dave = user("dave");
    addToWorkspace(alice, ws, carol, "member");
    // Carol is in the workspace but not the channel; dave not even in the workspace.
    JsonNode sent = send(alice, general, "hi @BOB, @carol, @dave and @nobody; mail bob@example.com", null).ok(201).json();
    assertThat(sent.path("mentions")).hasSize(1);
    assertThat(sent.path("mentions").get(0).asText()).isEqualTo(bob.id);
    assertThat(sent.path("mentionsChannel").asBoolean()).isFalse();
    JsonNode everyone = send(alice, general, "@here lunch", null).ok(201).json();
    assertThat(everyone.path("mentionsChannel").asBoolean()).isTrue();
    send(bob, general, "thanks @alice", null).ok(201);

    JsonNode bobView = api.get(conv(general), bob.token).ok(200).json();
    assertThat(bobView.path("mentionCount").asLong()).isEqualTo(2);
    JsonNode listed = api.get(ws(ws) + "/conversations", bob.token).ok(200).json().path("conversations");
    assertThat(listed.get(0).path("mentionCount").asLong()).isEqualTo(2);
    assertThat(api.get(conv(general), alice.token).ok(200).json().path("mentionCount").asLong()).isEqualTo(1);

    api.post(conv(general) + "/read", Map.of("seq", everyone.path("seq").asLong() - 1), bob.token).ok(204);
    assertThat(api.get(conv(general), bob.token).ok(200).json().path("mentionCount").asLong()).isEqualTo(1);
    api.post(conv(general) + "/read", Map.of("seq", 3), bob.token).ok(204);
    assertThat(api.get(conv(general), bob.token).ok(200).json().path("mentionCount").asLong()).isZero();
    assertThat(api.get(ws(ws) + "/conversations", bob.token).ok(200).json().path("conversations").get(0).path("mentionCount")
        .asLong()).isZero();

    // Editing re-parses: the mention of bob goes, one of alice... of carol after she joins comes.
    put(conv(general) + "/members/" + carol.id, null, carol.token).ok(200);
    JsonNode edited = api.patch(conv(general) + "/messages/" + sent.path("id").asText(), Map.of("body", "now @carol only"), alice.token)
        .ok(200).json();
    assertThat(edited.path("mentions")).hasSize(1);
    assertThat(edited.path("mentions").get(0).asText()).isEqualTo(carol.id);
    assertThat(byId(latest(bob), sent.path("id").asText()).path("mentions").get(0).asText()).isEqualTo(carol.id);
  }
}
