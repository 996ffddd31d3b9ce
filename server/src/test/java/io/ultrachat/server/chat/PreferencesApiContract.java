package io.ultrachat.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.server.TestServer;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The caller's own preferences over HTTP against a started server. Subclasses run it on SQLite
 * and on PostgreSQL.
 *
 * <p>The 1,000-override limit is not reached here (that would take 1,000 visible conversations);
 * {@code PreferenceStoreContract} tests the limit with a lowered limit parameter on both backends.
 */
abstract class PreferencesApiContract extends ChatApiTestBase {
  private static final String PREFS = "/api/v1/users/me/preferences";

  PreferencesApiContract(TestServer.Backend backend) {
    super(backend);
  }

  private static String override(String conversationId) {
    return PREFS + "/conversations/" + conversationId;
  }

  private String channel(User owner, String ws, String kind, String name) {
    return api.post(ws(ws) + "/conversations", Map.of("kind", kind, "name", name), owner.token).ok(201).json().path("id").asText();
  }

  private static Map<String, Object> body(Object... keyValues) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  @Test
  void aNewUserHasTheDefaults() {
    User alice = user("alice");

    JsonNode p = api.get(PREFS, alice.token).ok(200).json();

    assertThat(p.path("theme").asText()).isEqualTo("system");
    assertThat(p.path("timeZone").asText()).isEqualTo("UTC");
    assertThat(p.has("locale")).as("no locale in %s", p).isFalse();
    assertThat(p.path("conversations").isObject()).isTrue();
    assertThat(p.path("conversations").size()).isZero();
  }

  @Test
  void patchChangesEachFieldAndLeavesTheOthers() {
    User alice = user("alice");
    User bob = user("bob");

    JsonNode p = api.patch(PREFS, Map.of("theme", "dark"), alice.token).ok(200).json();
    assertThat(p.path("theme").asText()).isEqualTo("dark");
    assertThat(p.path("timeZone").asText()).isEqualTo("UTC");

    p = api.patch(PREFS, Map.of("timeZone", "Europe/Berlin"), alice.token).ok(200).json();
    assertThat(p.path("theme").asText()).isEqualTo("dark");
    assertThat(p.path("timeZone").asText()).isEqualTo("Europe/Berlin");

    p = api.patch(PREFS, Map.of("locale", "en-US"), alice.token).ok(200).json();
    assertThat(p.path("locale").asText()).isEqualTo("en-US");

    p = api.patch(PREFS, Map.of("theme", "light", "timeZone", "America/Sao_Paulo"), alice.token).ok(200).json();
    assertThat(p.path("theme").asText()).isEqualTo("light");
    assertThat(p.path("timeZone").asText()).isEqualTo("America/Sao_Paulo");
    assertThat(p.path("locale").asText()).as("untouched").isEqualTo("en-US");

    // null removes the locale; the other fields stay.
    p = api.raw("PATCH", PREFS, "application/json", "{\"locale\":null}", alice.token).ok(200).json();
    assertThat(p.has("locale")).as("locale removed in %s", p).isFalse();
    assertThat(p.path("theme").asText()).isEqualTo("light");

    JsonNode again = api.get(PREFS, alice.token).ok(200).json();
    assertThat(again).isEqualTo(p);
    assertThat(api.get(PREFS, bob.token).ok(200).json().path("theme").asText()).as("only alice's").isEqualTo("system");
  }

  @Test
  void invalidValuesAreRefusedWithTheFieldNamedAndNothingStored() {
    User alice = user("alice");
    api.patch(PREFS, Map.of("theme", "dark", "timeZone", "Europe/Berlin", "locale", "de-DE"), alice.token).ok(200);
    JsonNode before = api.get(PREFS, alice.token).ok(200).json();

    assertField(api.patch(PREFS, Map.of("theme", "blue"), alice.token), "theme");
    assertField(api.patch(PREFS, Map.of("theme", "DARK"), alice.token), "theme");
    assertField(api.raw("PATCH", PREFS, "application/json", "{\"theme\":null}", alice.token), "theme");
    assertField(api.patch(PREFS, Map.of("theme", 3), alice.token), "theme");
    assertField(api.patch(PREFS, Map.of("timeZone", "Mars/Olympus_Mons"), alice.token), "timeZone");
    assertField(api.patch(PREFS, Map.of("timeZone", "+02:00"), alice.token), "timeZone");
    assertField(api.patch(PREFS, Map.of("timeZone", "UTC+01:00"), alice.token), "timeZone");
    assertField(api.patch(PREFS, Map.of("timeZone", ""), alice.token), "timeZone");
    assertField(api.raw("PATCH", PREFS, "application/json", "{\"timeZone\":null}", alice.token), "timeZone");
    assertField(api.patch(PREFS, Map.of("locale", "en_US"), alice.token), "locale");
    assertField(api.patch(PREFS, Map.of("locale", "not a locale"), alice.token), "locale");
    assertField(api.patch(PREFS, Map.of("locale", ""), alice.token), "locale");
    assertField(api.patch(PREFS, Map.of("locale", "en-" + "a".repeat(8) + "-" + "b".repeat(8) + "-" + "c".repeat(8) + "-x"),
        alice.token), "locale");
    assertField(api.patch(PREFS, Map.of("colour", "red"), alice.token), "colour");
    // A valid field next to an invalid one: the request is refused as a whole.
    assertField(api.patch(PREFS, Map.of("theme", "light", "timeZone", "Nowhere/Town"), alice.token), "timeZone");
    api.patch(PREFS, Map.of(), alice.token).problem(400, "invalid-input");

    assertThat(api.get(PREFS, alice.token).ok(200).json()).isEqualTo(before);
  }

  @Test
  void conversationOverridesNeedAVisibleConversation() {
    User alice = user("alice");
    User bob = user("bob");
    User outsider = user("outsider");
    String ws = workspace(alice, "Acme");
    addToWorkspace(alice, ws, bob, "member");
    String general = channel(alice, ws, "public", "general");
    String secret = channel(alice, ws, "private", "secret");

    JsonNode p = put(override(general), Map.of("notifications", "mentions", "muted", false), bob.token).ok(200).json();
    assertThat(p.path("conversations").path(general).path("notifications").asText()).isEqualTo("mentions");
    assertThat(p.path("conversations").path(general).path("muted").asBoolean()).isFalse();
    assertThat(p.path("theme").asText()).isEqualTo("system");

    p = put(override(general), Map.of("notifications", "none", "muted", true), bob.token).ok(200).json();
    assertThat(p.path("conversations").size()).isEqualTo(1);
    assertThat(p.path("conversations").path(general).path("notifications").asText()).isEqualTo("none");
    assertThat(p.path("conversations").path(general).path("muted").asBoolean()).isTrue();

    p = put(override(secret), Map.of("notifications", "all", "muted", true), alice.token).ok(200).json();
    assertThat(p.path("conversations").path(secret).path("notifications").asText()).isEqualTo("all");

    // Not visible: a private channel bob is not in, anything for someone outside the workspace, unknown ids.
    put(override(secret), Map.of("notifications", "all", "muted", false), bob.token).problem(404, "conversation-not-found");
    put(override(general), Map.of("notifications", "all", "muted", false), outsider.token).problem(404, "conversation-not-found");
    put(override("999999"), Map.of("notifications", "all", "muted", false), bob.token).problem(404, "conversation-not-found");
    put(override("abc"), Map.of("notifications", "all", "muted", false), bob.token).problem(404, "not-found");
    assertThat(api.get(PREFS, outsider.token).ok(200).json().path("conversations").size()).isZero();

    // Both fields are required and checked.
    assertField(put(override(general), Map.of("muted", true), bob.token), "notifications");
    assertField(put(override(general), Map.of("notifications", "loud", "muted", true), bob.token), "notifications");
    assertField(put(override(general), Map.of("notifications", "all"), bob.token), "muted");
    assertField(put(override(general), Map.of("notifications", "all", "muted", "yes"), bob.token), "muted");
    assertThat(api.get(PREFS, bob.token).ok(200).json().path("conversations").path(general).path("notifications").asText())
        .as("unchanged by refused requests").isEqualTo("none");

    // Removing.
    api.delete(override(general), bob.token).ok(204);
    api.delete(override(general), bob.token).problem(404, "override-not-found");
    api.delete(override(secret), bob.token).problem(404, "override-not-found");
    assertThat(api.get(PREFS, bob.token).ok(200).json().path("conversations").size()).isZero();
    assertThat(api.get(PREFS, alice.token).ok(200).json().path("conversations").has(secret)).as("alice's stays").isTrue();
  }

  @Test
  void scopesAreEnforced() {
    User alice = user("alice");
    String readOnly = apiToken(alice, "users:read");
    String chatOnly = apiToken(alice, "chat:write");

    api.get(PREFS, readOnly).ok(200);
    api.patch(PREFS, Map.of("theme", "dark"), readOnly).problem(403, "insufficient-scope");
    api.get(PREFS, chatOnly).problem(403, "insufficient-scope");
    api.get(PREFS, null).problem(401, "missing-token");
    String writer = apiToken(alice, "users:write");
    assertThat(api.patch(PREFS, Map.of("theme", "dark"), writer).ok(200).json().path("theme").asText()).isEqualTo("dark");
  }

  @Test
  void cachedReadsReflectWritesAtOnceAndRepeatedReadsHit() {
    User alice = user("alice");
    String ws = workspace(alice, "Acme");
    String general = channel(alice, ws, "public", "general");

    api.get(PREFS, alice.token).ok(200);
    double hitsBefore = hits();
    for (int i = 0; i < 10; i++) {
      assertThat(api.get(PREFS, alice.token).ok(200).json().path("theme").asText()).isEqualTo("system");
    }
    assertThat(hits() - hitsBefore).isGreaterThanOrEqualTo(10);

    // Every kind of write is visible on the very next read.
    api.patch(PREFS, Map.of("theme", "dark"), alice.token).ok(200);
    assertThat(api.get(PREFS, alice.token).ok(200).json().path("theme").asText()).isEqualTo("dark");
    api.patch(PREFS, Map.of("locale", "fr-FR"), alice.token).ok(200);
    assertThat(api.get(PREFS, alice.token).ok(200).json().path("locale").asText()).isEqualTo("fr-FR");
    put(override(general), Map.of("notifications", "none", "muted", true), alice.token).ok(200);
    assertThat(api.get(PREFS, alice.token).ok(200).json().path("conversations").has(general)).isTrue();
    api.delete(override(general), alice.token).ok(204);
    assertThat(api.get(PREFS, alice.token).ok(200).json().path("conversations").has(general)).isFalse();
  }

  private double hits() {
    String metrics = api.get("/metrics").ok(200).body();
    Matcher m = Pattern.compile("cache_gets_total\\{cache=\"user-preferences\",(?:[^}]*,)?result=\"hit\"[^}]*} ([0-9.E]+)")
        .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static void assertField(io.ultrachat.server.Api.Response r, String field) {
    JsonNode problem = r.problem(400, "invalid-input").json();
    assertThat(problem.path("errors").findValuesAsText("field")).as("errors of %s", problem).contains(field);
  }
}
