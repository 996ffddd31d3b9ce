package io.ultrachat.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.assertions.LocatorAssertions;
import io.ultrachat.kernel.json.Json;
import io.ultrachat.server.Api;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two people chatting in two browser contexts against one server: the helpers every chat
 * browser suite uses, and the core tests that run on every backend (SQLite in
 * {@link SqliteChatWebClientIT}, PostgreSQL in {@link PostgresChatWebClientIT}).
 *
 * <p>People, workspaces and seed messages are made through the API; everything a test checks
 * happens in the browsers.
 */
abstract class ChatBrowserTestBase extends BrowserTestBase {
  /** Missed messages replayed on resume; more than this and the client pages history (resync). */
  static final int RESUME_MAX = 5;

  @Override
  protected Map<String, String> serverSettings() {
    return Map.of("realtime.resume-max", Integer.toString(RESUME_MAX));
  }

  // -------------------------------------------------------------------------------------------
  // Core tests (every backend)

  @Test
  void whatASendsBSeesWithinASecondWithoutReloadingExactlyOnce() {
    Person alice = person("alice", "Alice Adams");
    Person bob = person("bob", "Bob Brown");
    Team team = team(alice, bob);
    Device a = signedIn(alice);
    Device b = signedIn(bob);
    open(a, "general");
    open(b, "general");
    markPage(b);

    // Server text is text: markup in a message must not become elements.
    String text = "Hello <img src=x data-xss=1> & <b>bold</b> from " + alice.username();
    composer(a).fill(text);
    composer(a).press("Enter");
    assertThat(message(b, text)).isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(1_000));

    assertThat(message(b, text).getByTestId("message-body")).hasText(text);
    assertThat(b.locator("#messages img, #messages b")).hasCount(0);
    assertThat(message(b, text).getByTestId("message-author")).hasText("Alice Adams");
    // Optimistic on A, then confirmed: one copy, no longer pending.
    assertThat(message(a, text)).hasCount(1);
    assertThat(a.locator("#messages [data-pending]")).hasCount(0);
    assertThat(message(a, text)).hasAttribute("data-message-id", java.util.regex.Pattern.compile("^\\d+$"));

    // Shift+Enter is a new line, Enter sends.
    composer(b).click();
    composer(b).pressSequentially("line one");
    composer(b).press("Shift+Enter");
    composer(b).pressSequentially("line two");
    composer(b).press("Enter");
    assertThat(message(a, "line one").getByTestId("message-body")).hasText("line one\nline two");
    assertThat(message(b, "line one")).hasCount(1);

    assertPageNotReloaded(b);
    assertThat(historyBodies(alice, team.general())).containsExactly(text, "line one\nline two");
    assertSameMessages(a, b);
  }

  @Test
  void afterBsNetworkDropsAndReturnsBHasEveryMessageExactlyOnceInOrder() {
    Person alice = person("alice", "Alice Adams");
    Person bob = person("bob", "Bob Brown");
    Team team = team(alice, bob);
    post(alice, team.general(), "before the drop");
    Device a = signedIn(alice);
    Device b = signedIn(bob);
    open(a, "general");
    open(b, "general");
    assertThat(message(b, "before the drop")).isVisible();
    markPage(b);

    b.expectNetworkErrors();
    b.context.setOffline(true);
    assertThat(b.locator("#connection-status")).hasAttribute("data-state", "offline");
    assertThat(b.locator("#connection-banner")).isVisible();

    // More than the server replays on resume, so B must page the rest over REST (resync).
    List<String> sent = new ArrayList<>();
    for (int i = 1; i <= RESUME_MAX + 3; i++) {
      String body = "while B is away " + i;
      if (i % 3 == 0) {
        composer(a).fill(body);
        composer(a).press("Enter");
        assertThat(message(a, body)).not().hasAttribute("data-pending", "sending");
      } else {
        post(alice, team.general(), body);
      }
      sent.add(body);
    }
    // B writes while offline: shown at once as pending, sent when the network is back.
    composer(b).fill("written offline by B");
    composer(b).press("Enter");
    assertThat(b.locator("#messages [data-pending]")).hasCount(1);
    assertThat(message(b, sent.get(0))).hasCount(0);

    b.context.setOffline(false);
    assertThat(b.locator("#connection-status")).hasAttribute("data-state", "live");
    assertThat(message(b, sent.get(sent.size() - 1))).isVisible();
    assertThat(message(b, "written offline by B")).not().hasAttribute("data-pending", "sending");
    assertThat(b.locator("#messages [data-pending]")).hasCount(0);
    assertThat(message(a, "written offline by B")).hasCount(1);

    List<String> expected = new ArrayList<>(List.of("before the drop"));
    expected.addAll(sent);
    expected.add("written offline by B");
    assertThat(historyBodies(alice, team.general())).containsExactlyElementsOf(expected);
    assertThat(bodies(b)).containsExactlyElementsOf(expected);
    assertThat(bodies(a)).containsExactlyElementsOf(expected);
    assertPageNotReloaded(b);
  }

  // -------------------------------------------------------------------------------------------
  // People, workspaces, messages (through the API)

  /** A registered person. */
  record Person(String id, String username, String displayName, String token) {}

  /** A workspace with #general and #random, everyone a member of both. */
  record Team(String workspaceId, String general, String random) {}

  Person person(String base, String displayName) {
    String username = uniqueName(base);
    JsonNode t = api.post("/api/v1/auth/register", Map.of("username", username, "password", PASSWORD, "displayName", displayName))
        .ok(201).json();
    return new Person(t.path("user").path("id").asText(), username, displayName, t.path("accessToken").asText());
  }

  Team team(Person owner, Person... others) {
    String ws = api.post("/api/v1/workspaces", Map.of("name", uniqueName("Team")), owner.token()).ok(201).json().path("id").asText();
    for (Person p : others) {
      put("/api/v1/workspaces/" + ws + "/members/" + p.id(), Map.of("role", "member"), owner.token()).ok(200);
    }
    String general = channel(owner, ws, "general");
    String random = channel(owner, ws, "random");
    for (Person p : others) {
      put("/api/v1/conversations/" + general + "/members/" + p.id(), null, owner.token()).ok(200);
      put("/api/v1/conversations/" + random + "/members/" + p.id(), null, owner.token()).ok(200);
    }
    return new Team(ws, general, random);
  }

  String channel(Person by, String workspaceId, String name) {
    return api.post("/api/v1/workspaces/" + workspaceId + "/conversations", Map.of("kind", "public", "name", name), by.token())
        .ok(201).json().path("id").asText();
  }

  Api.Response put(String path, Object body, String token) {
    try {
      return body == null
          ? api.raw("PUT", path, null, "", token)
          : api.raw("PUT", path, "application/json", Json.mapper().writeValueAsString(body), token);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Posts a message through the API; returns it. */
  JsonNode post(Person by, String conversationId, String body) {
    return post(by, conversationId, body, null);
  }

  JsonNode post(Person by, String conversationId, String body, String threadRootId) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("body", body);
    if (threadRootId != null) {
      json.put("threadRootId", threadRootId);
    }
    return api.post("/api/v1/conversations/" + conversationId + "/messages", json, by.token()).ok(201).json();
  }

  /** The conversation's main history (thread replies left out) as the server has it, oldest first. */
  List<String> historyBodies(Person as, String conversationId) {
    List<String> out = new ArrayList<>();
    Long before = null;
    List<List<String>> pages = new ArrayList<>();
    while (true) {
      JsonNode page = api.get("/api/v1/conversations/" + conversationId + "/messages?limit=200" + (before == null ? "" : "&before=" + before),
          as.token()).ok(200).json();
      List<String> bodies = new ArrayList<>();
      for (JsonNode m : page.path("messages")) {
        if (m.path("threadRootId").isMissingNode() || m.path("threadRootId").isNull()) {
          bodies.add(m.path("body").isNull() ? null : m.path("body").asText());
        }
      }
      pages.add(0, bodies);
      if (!page.path("hasMoreBefore").asBoolean() || page.path("messages").isEmpty()) {
        break;
      }
      before = page.path("messages").get(0).path("seq").asLong();
    }
    pages.forEach(out::addAll);
    return out;
  }

  JsonNode conversationAs(Person who, String conversationId) {
    return api.get("/api/v1/conversations/" + conversationId, who.token()).ok(200).json();
  }

  // -------------------------------------------------------------------------------------------
  // The browser side

  /** Signs in through the form and waits until the realtime connection is live. */
  Device signedIn(Person p) {
    Device d = openDevice(p.username());
    d.signIn(p.username(), PASSWORD);
    assertThat(d.locator("body")).hasAttribute("data-realtime", "live");
    return d;
  }

  static Locator conversationItem(Device d, String name) {
    return d.locator("[data-testid=conversation-item][data-name='" + name + "']");
  }

  static void open(Device d, String name) {
    conversationItem(d, name).click();
    assertThat(conversationItem(d, name)).hasAttribute("aria-current", "page");
    assertThat(d.locator("#conversation-title")).containsText(name);
    assertThat(d.locator("#history-top")).not().hasAttribute("data-state", "loading");
  }

  static Locator composer(Device d) {
    return d.locator("#composer-input");
  }

  /** Messages of the open conversation whose text contains `text` (pending ones included). */
  static Locator message(Device d, String text) {
    return d.locator("#messages [data-testid=message]").filter(new Locator.FilterOptions().setHasText(text));
  }

  /** The bodies the open conversation shows, top to bottom, pending sends excluded. */
  static List<String> bodies(Device d) {
    return d.locator("#messages [data-testid=message]:not([data-pending]) [data-testid=message-body]").allInnerTexts();
  }

  /** Sets a marker on the page's window: it survives anything but a reload. */
  static void markPage(Device d) {
    d.page.evaluate("() => { window.__notReloaded = true; }");
  }

  static void assertPageNotReloaded(Device d) {
    assertThat(d.page.evaluate("() => window.__notReloaded === true")).as("%s was not reloaded", d.name).isEqualTo(true);
  }

  /** Both views of the open conversation list the same stored messages in the same order. */
  static void assertSameMessages(Device a, Device b) {
    String ids = "els => els.map(e => e.dataset.messageId)";
    String selector = "#messages [data-testid=message][data-message-id]";
    Object shownToA = a.locator(selector).evaluateAll(ids);
    assertThat(b.locator(selector).evaluateAll(ids)).isEqualTo(shownToA);
  }
}
