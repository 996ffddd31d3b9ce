package io.ultrachat.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Full-text search over HTTP: who finds what, filters, order, pages and refusals; subclasses run it on SQLite and PostgreSQL. */
abstract class SearchApiContract extends ChatApiTestBase {
  SearchApiContract(TestServer.Backend backend) {
    super(backend);
  }

  private User alice;
  private User bob;
  private User guest;
  private User outsider;
  private String acme;
  private String general;
  private String random;
  private String secret;
  private String dm;

  /**
   * Acme: alice (owner), bob (member), a guest in #general only. #general (alice, bob, guest), #random (public,
   * alice only), #secret (private, alice only), a DM between alice and bob. An outsider has a workspace of their own.
   */
  private void setUp() {
    alice = user("alice");
    bob = user("bob");
    guest = user("guest");
    outsider = user("outsider");
    acme = workspace(alice, "Acme");
    addToWorkspace(alice, acme, bob, "member");
    addToWorkspace(alice, acme, guest, "guest");
    general = channel("general", "public");
    random = channel("random", "public");
    secret = channel("secret", "private");
    put(conv(general) + "/members/" + bob.id, null, bob.token).ok(200);
    put(conv(general) + "/members/" + guest.id, null, alice.token).ok(200);
    dm = api.post(ws(acme) + "/dms", Map.of("userIds", List.of(bob.id)), alice.token).ok(201).json().path("id").asText();
  }

  private String channel(String name, String kind) {
    return api.post(ws(acme) + "/conversations", Map.of("kind", kind, "name", name), alice.token).ok(201).json().path("id").asText();
  }

  private String message(User by, String conversation, String body) {
    return send(by, conversation, body, null).ok(201).json().path("id").asText();
  }

  private Api.Response search(User as, String workspace, Map<String, String> params) {
    StringBuilder query = new StringBuilder();
    params.forEach((k, v) -> query.append(query.isEmpty() ? "?" : "&").append(k).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20")));
    return api.get(ws(workspace) + "/search" + query, as.token);
  }

  private JsonNode search(User as, String q) {
    return search(as, acme, Map.of("q", q)).ok(200).json();
  }

  private static Map<String, String> params(String... keysAndValues) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      out.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return out;
  }

  private static List<String> ids(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.path("results").forEach(r -> out.add(r.path("message").path("id").asText()));
    return out;
  }

  @Test
  void eachCallerFindsOnlyWhatTheyMayRead() {
    setUp();
    String inGeneral = message(alice, general, "pineapple pizza in general");
    String inRandom = message(alice, random, "pineapple in random");
    String inSecret = message(alice, secret, "pineapple secret plan");
    String inDm = message(alice, dm, "pineapple for bob");

    assertThat(ids(search(alice, "pineapple"))).containsExactly(inDm, inSecret, inRandom, inGeneral);
    assertThat(ids(search(bob, "pineapple"))).as("public channels too, not private ones").containsExactly(inDm, inRandom, inGeneral);
    assertThat(ids(search(guest, "pineapple"))).as("a guest: only conversations they are in").containsExactly(inGeneral);
    search(outsider, acme, Map.of("q", "pineapple")).problem(404, "workspace-not-found");
    search(outsider, "999", Map.of("q", "pineapple")).problem(404, "workspace-not-found");
    search(outsider, "abc", Map.of("q", "pineapple")).problem(404, "not-found");
  }

  @Test
  void aConversationTheCallerMayNotReadLeaksNothing() {
    setUp();
    message(alice, secret, "launch codes zebra");
    String outsiderWs = workspace(outsider, "Elsewhere");
    String outsiderChannel = api.post(ws(outsiderWs) + "/conversations", Map.of("kind", "public", "name", "lobby"), outsider.token)
        .ok(201).json().path("id").asText();
    message(outsider, outsiderChannel, "zebra crossing");

    JsonNode none = search(bob, "zebra");
    assertThat(none.path("results")).isEmpty();
    assertThat(none.has("nextCursor")).isTrue();
    assertThat(none.path("nextCursor").isNull()).isTrue();
    // Not readable, in another workspace, unknown or malformed: one and the same answer.
    for (String id : List.of(secret, outsiderChannel, "999999", "abc", "-1")) {
      String body = search(bob, acme, Map.of("q", "zebra", "conversationId", id)).problem(404, "conversation-not-found").body();
      assertThat(body).doesNotContain("zebra", "launch");
    }
    assertThat(ids(search(outsider, outsiderWs, Map.of("q", "zebra")).ok(200).json())).hasSize(1);
  }

  @Test
  void aResultCarriesTheMessageAsHistoryShowsItWithASnippetAndHighlights() {
    setUp();
    String id = message(bob, general, "Deploy the API to staging; deployment notes follow @alice");
    put(conv(general) + "/messages/" + id + "/reactions/tada", null, alice.token).ok(200);
    put(conv(general) + "/pins/" + id, null, alice.token).ok(200);

    JsonNode result = search(alice, "api deplo").path("results").get(0);

    assertThat(result.path("conversationId").asText()).isEqualTo(general);
    JsonNode inHistory = api.get(conv(general) + "/messages", alice.token).ok(200).json().path("messages").get(0);
    assertThat(result.path("message")).isEqualTo(inHistory);
    assertThat(result.path("message").path("pinned").asBoolean()).isTrue();
    String snippet = result.path("snippet").asText();
    assertThat(snippet).isEqualTo("Deploy the API to staging; deployment notes follow @alice");
    List<String> marked = new ArrayList<>();
    result.path("highlights").forEach(h -> marked.add(snippet.substring(h.get(0).asInt(), h.get(1).asInt())));
    assertThat(marked).containsExactly("Deploy", "API", "deployment");
  }

  @Test
  void aLongMessageGivesAWindowAroundTheMatch() {
    setUp();
    message(alice, general, "filler ".repeat(200) + "the needle is here " + "tail ".repeat(200));

    JsonNode result = search(alice, "needle").path("results").get(0);

    String snippet = result.path("snippet").asText();
    assertThat(snippet).startsWith("…").endsWith("…").contains("the needle is here").hasSizeLessThan(210);
    JsonNode h = result.path("highlights").get(0);
    assertThat(snippet.substring(h.get(0).asInt(), h.get(1).asInt())).isEqualTo("needle");
  }

  @Test
  void closerMatchesFirstThenNewest() {
    setUp();
    String phrase = message(alice, general, "the release note is ready");
    String words = message(alice, general, "note that the release slipped");
    String prefix = message(alice, general, "release notebook");
    String newerPhrase = message(bob, dm, "Release note again");

    assertThat(ids(search(alice, "release note"))).containsExactly(newerPhrase, phrase, words, prefix);
  }

  @Test
  void editedMessagesMatchTheirNewTextAndDeletedOnesNothing() {
    setUp();
    String edited = message(alice, general, "original wording");
    String deleted = message(alice, general, "wording to delete");
    api.patch(conv(general) + "/messages/" + edited, Map.of("body", "revised phrasing"), alice.token).ok(200);
    api.delete(conv(general) + "/messages/" + deleted, alice.token).ok(204);

    assertThat(ids(search(alice, "wording"))).isEmpty();
    assertThat(ids(search(alice, "delete"))).isEmpty();
    JsonNode found = search(alice, "phrasing");
    assertThat(ids(found)).containsExactly(edited);
    assertThat(found.path("results").get(0).path("message").has("editedAt")).isTrue();
  }

  @Test
  void filtersByConversationAuthorAndTime() {
    setUp();
    String early = message(alice, general, "weekly sync");
    clock.advance(Duration.ofMinutes(10));
    Instant middle = clock.instant();
    String byBob = message(bob, general, "weekly sync");
    String inDm = message(alice, dm, "weekly sync");
    clock.advance(Duration.ofMinutes(10));
    String late = message(alice, general, "weekly sync");

    assertThat(ids(search(alice, acme, params("q", "weekly", "conversationId", general)).ok(200).json()))
        .containsExactly(late, byBob, early);
    assertThat(ids(search(alice, acme, params("q", "weekly", "authorId", bob.id)).ok(200).json())).containsExactly(byBob);
    assertThat(ids(search(alice, acme, params("q", "weekly", "from", middle.toString())).ok(200).json()))
        .containsExactly(late, inDm, byBob);
    assertThat(ids(search(alice, acme, params("q", "weekly", "to", middle.toString())).ok(200).json())).containsExactly(early);
    assertThat(ids(search(alice, acme, params("q", "weekly", "from", middle.toString(), "to", middle.plusSeconds(60).toString(),
        "authorId", alice.id)).ok(200).json())).containsExactly(inDm);
    // Empty parameters count as absent, so a client may always send them all.
    assertThat(ids(search(alice, acme, params("q", "weekly", "conversationId", "", "authorId", "", "from", "", "to", "",
        "limit", "", "cursor", "")).ok(200).json())).hasSize(4);
  }

  @Test
  void pagesFollowTheCursorUntilItIsNull() {
    setUp();
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      sent.add(message(i % 2 == 0 ? alice : bob, general, "retro item " + i));
    }
    List<String> all = ids(search(alice, acme, params("q", "retro", "limit", "50")).ok(200).json());
    assertThat(all).containsExactlyElementsOf(sent.reversed());
    assertThat(ids(search(alice, "retro"))).as("default limit 20").hasSize(7);

    List<String> paged = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Map<String, String> p = params("q", "retro", "limit", "3");
      if (cursor != null) {
        p.put("cursor", cursor);
      }
      JsonNode page = search(alice, acme, p).ok(200).json();
      paged.addAll(ids(page));
      cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
      pages++;
      if (pages == 1) {
        message(alice, general, "retro item late"); // newer than every result so far: the next pages do not shift
      }
    } while (cursor != null && pages < 10);

    assertThat(pages).isEqualTo(3);
    assertThat(paged).containsExactlyElementsOf(all);
  }

  @Test
  void aCursorBelongsToItsSearch() {
    setUp();
    for (int i = 0; i < 3; i++) {
      message(alice, general, "budget line " + i);
    }
    String cursor = search(alice, acme, params("q", "budget", "limit", "1")).ok(200).json().path("nextCursor").asText();

    search(alice, acme, params("q", "budget", "limit", "2", "cursor", cursor)).ok(200);
    search(alice, acme, params("q", "line", "limit", "1", "cursor", cursor)).problem(400, "invalid-input");
    search(alice, acme, params("q", "budget", "authorId", alice.id, "cursor", cursor)).problem(400, "invalid-input");
    for (String bad : List.of("x", "czEuMi4z", "!!!", "a".repeat(500), cursor + "x")) {
      Api.Response r = search(alice, acme, params("q", "budget", "cursor", bad)).problem(400, "invalid-input");
      assertThat(r.json().path("errors").get(0).path("field").asText()).isEqualTo("cursor");
    }
  }

  @Test
  void userTextIsNeverQuerySyntax() {
    setUp();
    String m = message(alice, general, "and or not near column body");
    for (String q : List.of("AND(", "NEAR(", "near(and, or)", "\"and", "and\"", "and*", "*and", "-and", "and OR", "body:and",
        "^and", "'and'", "and\\", "and) OR (or", "{body}: and", "and + or", "NOT", "and & | ! or", "and:*", "and <-> or",
        "%and%", "and;--", "NEAR(and or)")) {
      assertThat(ids(search(alice, acme, Map.of("q", q)).ok(200).json())).as(q).containsExactly(m);
    }
    for (String q : List.of("\"", "*", "()", "AND(", "--", "\"\"", "'", "\\", ":*", "&|!", "and\u0000or")) {
      Api.Response r = search(alice, acme, Map.of("q", q));
      assertThat(r.status()).as(q).isIn(200, 400);
    }
  }

  @Test
  void badParametersAreClear400sAndNameTheParameter() {
    setUp();
    message(alice, general, "something");
    Map<String, Map<String, String>> cases = new LinkedHashMap<>();
    cases.put("q", params());
    cases.put("q#empty", params("q", ""));
    cases.put("q#blank", params("q", "   "));
    cases.put("q#long", params("q", "a".repeat(257)));
    cases.put("q#punctuation", params("q", "\"*()"));
    cases.put("q#words", params("q", "a ".repeat(17)));
    cases.put("limit#zero", params("q", "x", "limit", "0"));
    cases.put("limit#big", params("q", "x", "limit", "51"));
    cases.put("limit#word", params("q", "x", "limit", "ten"));
    cases.put("limit#negative", params("q", "x", "limit", "-1"));
    cases.put("limit#huge", params("q", "x", "limit", "99999999999999999999"));
    cases.put("from#bad", params("q", "x", "from", "yesterday"));
    cases.put("to#date", params("q", "x", "to", "2026-01-01"));
    cases.put("from#order", params("q", "x", "from", "2026-02-01T00:00:00Z", "to", "2026-01-01T00:00:00Z"));
    cases.put("from#range", params("q", "x", "from", "-50000-01-01T00:00:00Z"));
    cases.put("to#range", params("q", "x", "to", "+20000-01-01T00:00:00Z"));
    cases.put("authorId#bad", params("q", "x", "authorId", "bob"));
    cases.put("authorId#long", params("q", "x", "authorId", "123456789012345678901234"));
    cases.forEach((label, p) -> {
      Api.Response r = search(alice, acme, p);
      assertThat(r.status()).as(label + " " + r.body()).isEqualTo(400);
      assertThat(r.code()).as(label).isEqualTo("invalid-input");
      assertThat(r.json().path("errors").get(0).path("field").asText()).as(label).isEqualTo(label.replaceAll("#.*", ""));
    });
    assertThat(search(alice, acme, params("q", "a".repeat(256))).status()).isEqualTo(200);
    assertThat(search(alice, acme, params("q", "x", "limit", "50")).status()).isEqualTo(200);
    assertThat(search(alice, acme, params("q", "x", "from", "2026-01-01T00:00:00Z", "to", "2026-01-01T00:00:00Z")).status())
        .as("an empty range is fine").isEqualTo(200);
  }

  @Test
  void anApiTokenNeedsChatRead() {
    setUp();
    String id = message(alice, general, "token scoped search");

    assertThat(ids(search(new User(alice.id, apiToken(alice, "chat:read"), alice.username), "scoped"))).containsExactly(id);
    assertThat(search(new User(alice.id, apiToken(alice, "users:read"), alice.username), acme, Map.of("q", "scoped")).status())
        .isEqualTo(403);
  }
}
