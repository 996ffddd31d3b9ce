package io.ultrachat.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.WebSocketRoute;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FilePayload;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The chat in the browser on the embedded defaults (SQLite): two people in two browser
 * contexts. The core tests (live delivery, network drop) come from {@link ChatBrowserTestBase};
 * these cover the rest of the client.
 */
class SqliteChatWebClientIT extends ChatBrowserTestBase {

  @Test
  void unreadAndMentionBadgesUpdateLiveForAConversationThatIsNotOpen() {
    Person alice = person("alice", "Alice Adams");
    Person bob = person("bob", "Bob Brown");
    Team team = team(alice, bob);
    Device a = signedIn(alice);
    Device b = signedIn(bob);
    open(a, "general");
    open(b, "random");
    assertThat(conversationItem(b, "general").getByTestId("unread-badge")).hasCount(0);

    composer(a).fill("just saying hi");
    composer(a).press("Enter");
    assertThat(conversationItem(b, "general").getByTestId("unread-badge")).hasText("1");
    assertThat(conversationItem(b, "general").getByTestId("mention-badge")).hasCount(0);

    composer(a).fill("@" + bob.username() + " can you look at this?");
    composer(a).press("Enter");
    assertThat(conversationItem(b, "general").getByTestId("unread-badge")).hasText("2");
    assertThat(conversationItem(b, "general").getByTestId("mention-badge")).hasText("@1");
    assertThat(conversationItem(b, "general")).hasAttribute("aria-label", Pattern.compile("2 unread, 1 mention"));
    assertThat(conversationItem(b, "random").getByTestId("unread-badge")).hasCount(0);
    // Messages in the conversation one is looking at do not count.
    composer(a).fill("nothing for you here");
    composer(a).press("Enter");
    assertThat(conversationItem(b, "general").getByTestId("unread-badge")).hasText("3");
    assertThat(conversationItem(a, "general").getByTestId("unread-badge")).hasCount(0);

    open(b, "general");
    assertThat(conversationItem(b, "general").getByTestId("unread-badge")).hasCount(0);
    assertThat(conversationItem(b, "general").getByTestId("mention-badge")).hasCount(0);
    assertThat(b.locator("[data-testid=unread-divider]")).isVisible();
    assertThat(message(b, "can you look at this").locator(".mention-me")).hasText("@" + bob.username());
    // The server was told: the read mark survives a reload.
    org.awaitility.Awaitility.await().untilAsserted(() -> {
      JsonNode c = conversationAs(bob, team.general());
      assertThat(c.path("unreadCount").asLong()).isZero();
      assertThat(c.path("mentionCount").asLong()).isZero();
    });
    b.page.reload();
    assertThat(b.locator("body")).hasAttribute("data-realtime", "live");
    assertThat(conversationItem(b, "general")).isVisible();
    assertThat(conversationItem(b, "general").getByTestId("unread-badge")).hasCount(0);
  }

  @Test
  void aDroppedConnectionReconnectsWithBackoffAndResumesFromTheLastSeenMessage() {
    Person alice = person("alice", "Alice Adams");
    Person bob = person("bob", "Bob Brown");
    Team team = team(alice, bob);
    post(alice, team.general(), "first");
    Device b = openDevice(bob.username());
    List<String> hellos = new CopyOnWriteArrayList<>();
    b.page.onWebSocket(ws -> ws.onFrameSent(f -> {
      if (f.text() != null && f.text().contains("\"hello\"")) {
        hellos.add(f.text());
      }
    }));
    // The socket goes through the test, which can cut it and refuse new ones for a while
    // (a dead network path the browser does not notice by itself).
    AtomicBoolean refuse = new AtomicBoolean();
    AtomicReference<WebSocketRoute> current = new AtomicReference<>();
    List<Long> attempts = new CopyOnWriteArrayList<>();
    b.context.routeWebSocket(Pattern.compile(".*/api/v1/realtime$"), ws -> {
      attempts.add(System.nanoTime());
      if (refuse.get()) {
        ws.close();
        return;
      }
      ws.connectToServer();
      current.set(ws);
    });
    b.signIn(bob.username(), PASSWORD);
    assertThat(b.locator("body")).hasAttribute("data-realtime", "live");
    open(b, "general");
    assertThat(message(b, "first")).isVisible();
    markPage(b);

    refuse.set(true);
    int before = attempts.size();
    current.get().close();
    assertThat(b.locator("#connection-status")).hasAttribute("data-state", Pattern.compile("waiting|connecting"));
    List<String> missed = List.of("missed 1", "missed 2", "missed 3");
    for (String body : missed) {
      post(alice, team.general(), body);
    }
    // Refused attempts are spaced out (backoff), not a tight loop. Route handlers run while
    // Playwright is called, so wait through Playwright.
    for (int i = 0; i < 100 && attempts.size() < before + 2; i++) {
      b.page.waitForTimeout(100);
    }
    b.page.waitForTimeout(1_000);
    assertThat(attempts.size() - before).as("reconnect attempts in the first seconds").isBetween(2, 5);
    refuse.set(false);

    assertThat(b.locator("body")).hasAttribute("data-realtime", "live", new LocatorAssertions.HasAttributeOptions().setTimeout(30_000));
    assertThat(message(b, "missed 3")).isVisible();
    assertThat(bodies(b)).containsExactly("first", "missed 1", "missed 2", "missed 3");
    // The last hello resumed #general from the last message B had seen.
    String seq = Long.toString(conversationAs(bob, team.general()).path("lastSeq").asLong() - missed.size());
    assertThat(hellos.get(hellos.size() - 1)).contains("\"" + team.general() + "\":" + seq);
    assertPageNotReloaded(b);
  }

  @Test
  void aRefusedTokenIsRefreshedAndTheConnectionComesBack() {
    Person bob = person("bob", "Bob Brown");
    Person alice = person("alice", "Alice Adams");
    Team team = team(alice, bob);
    Device b = openDevice(bob.username());
    AtomicReference<WebSocketRoute> current = new AtomicReference<>();
    b.context.routeWebSocket(Pattern.compile(".*/api/v1/realtime$"), ws -> {
      ws.connectToServer();
      current.set(ws);
    });
    b.signIn(bob.username(), PASSWORD);
    assertThat(b.locator("body")).hasAttribute("data-realtime", "live");
    open(b, "general");

    // What the server does when the access token in hello expired: 4001. The client gets a new
    // access token with its refresh token and is back at once.
    b.page.waitForRequest(Pattern.compile(".*/api/v1/auth/refresh$"),
        () -> current.get().close(new WebSocketRoute.CloseOptions().setCode(4001).setReason("token-expired")));
    assertThat(b.locator("body")).hasAttribute("data-realtime", "live");
    post(alice, team.general(), "after the new token");
    assertThat(message(b, "after the new token")).isVisible();
    assertThat(b.locator("#app-view")).isVisible();
  }

  @Test
  void threadRepliesShowLiveForTheOtherPersonAndStayOutOfTheChannel() {
    Person alice = person("alice", "Alice Adams");
    Person bob = person("bob", "Bob Brown");
    Team team = team(alice, bob);
    post(alice, team.general(), "release plan for friday");
    Device a = signedIn(alice);
    Device b = signedIn(bob);
    open(a, "general");
    open(b, "general");

    Locator root = message(a, "release plan");
    root.hover();
    root.getByLabel("Reply in thread").click();
    assertThat(a.locator("#thread-pane")).isVisible();
    assertThat(a.locator("#thread-messages [data-testid=message]").first()).containsText("release plan for friday");
    a.locator("#thread-composer-input").fill("I can take the backend part");
    a.locator("#thread-composer-input").press("Enter");
    assertThat(a.locator("#thread-messages [data-testid=message]").filter(new Locator.FilterOptions().setHasText("backend part")))
        .not().hasAttribute("data-pending", "sending");

    Locator summary = message(b, "release plan").getByTestId("thread-summary");
    assertThat(summary).containsText("1 reply");
    assertThat(message(b, "backend part")).hasCount(0);
    summary.click();
    assertThat(b.locator("#thread-pane")).isVisible();
    assertThat(b.locator("#thread-messages")).containsText("I can take the backend part");
    b.locator("#thread-composer-input").fill("great, I'll do the frontend");
    b.locator("#thread-composer-input").press("Enter");

    assertThat(a.locator("#thread-messages")).containsText("great, I'll do the frontend");
    assertThat(message(a, "release plan").getByTestId("thread-summary")).containsText("2 replies");
    assertThat(message(a, "frontend")).hasCount(0);
    JsonNode stored = api.get("/api/v1/conversations/" + team.general() + "/messages", alice.token()).ok(200).json();
    assertThat(stored.path("messages").findValuesAsText("threadRootId")).hasSize(2);

    // Escape closes the thread pane.
    a.locator("#thread-composer-input").press("Escape");
    assertThat(a.locator("#thread-pane")).isHidden();
  }

  @Test
  void reactionsEditsAndDeletesPropagateLive() {
    Person alice = person("alice", "Alice Adams");
    Person bob = person("bob", "Bob Brown");
    team(alice, bob);
    Device a = signedIn(alice);
    Device b = signedIn(bob);
    open(a, "general");
    open(b, "general");
    composer(a).fill("the build is green");
    composer(a).press("Enter");
    assertThat(message(b, "the build is green")).isVisible();

    Locator onB = message(b, "the build is green");
    onB.hover();
    onB.getByLabel("Add reaction").first().click();
    b.locator("#emoji-picker").getByLabel("React with 🎉").click();
    Locator onA = message(a, "the build is green");
    assertThat(onA.getByTestId("reaction")).hasCount(1);
    assertThat(onA.getByTestId("reaction")).containsText("🎉1");
    assertThat(onA.getByTestId("reaction")).hasAttribute("aria-pressed", "false");
    onA.getByTestId("reaction").click();
    assertThat(onB.getByTestId("reaction")).containsText("🎉2");
    assertThat(onB.getByTestId("reaction")).hasAttribute("aria-pressed", "true");
    onB.getByTestId("reaction").click();
    assertThat(onA.getByTestId("reaction")).containsText("🎉1");
    assertThat(onA.getByTestId("reaction")).hasAttribute("aria-pressed", "true");

    onA.hover();
    onA.getByLabel("Edit message").click();
    a.locator("#messages [data-testid=edit-input]").fill("the build is red again");
    a.locator("#messages [data-testid=edit-input]").press("Enter");
    Locator edited = message(b, "the build is red again");
    assertThat(edited).isVisible();
    assertThat(edited.getByTestId("message-edited")).isVisible();
    assertThat(message(b, "the build is green")).hasCount(0);

    Locator mine = message(a, "the build is red again");
    mine.hover();
    mine.getByLabel("Delete message").click();
    assertThat(a.page.getByRole(AriaRole.DIALOG)).containsText("Delete message?");
    a.locator("#confirm-ok").click();
    assertThat(message(b, "red again")).hasCount(0);
    assertThat(b.locator("#messages [data-testid=message-body]").last()).hasText("This message was deleted.");
    assertThat(a.locator("#messages [data-testid=message-body]").last()).hasText("This message was deleted.");
  }

  @Test
  void theOtherPersonSeesWhoIsTyping() {
    Person alice = person("alice", "Alice Adams");
    Person bob = person("bob", "Bob Brown");
    team(alice, bob);
    Device a = signedIn(alice);
    Device b = signedIn(bob);
    open(a, "general");
    open(b, "general");
    assertThat(b.locator("#typing-indicator")).hasText("");

    composer(a).pressSequentially("thinking out loud", new Locator.PressSequentiallyOptions().setDelay(20));
    assertThat(b.locator("#typing-indicator")).hasText("Alice Adams is typing…");
    assertThat(a.locator("#typing-indicator")).hasText("");
    composer(a).press("Enter");
    // The message itself ends the indicator.
    assertThat(message(b, "thinking out loud")).isVisible();
    assertThat(b.locator("#typing-indicator")).hasText("");
  }

  @Test
  void scrollingUpLoadsOlderHistoryPageByPageUntilTheBeginning() {
    Person alice = person("alice", "Alice Adams");
    Person bob = person("bob", "Bob Brown");
    Team team = team(alice, bob);
    List<String> seeded = new ArrayList<>();
    for (int i = 1; i <= 130; i++) {
      String body = String.format("history %03d", i);
      post(i % 2 == 0 ? alice : bob, team.general(), body);
      seeded.add(body);
    }
    Device b = signedIn(bob);
    open(b, "general");
    assertThat(message(b, "history 130")).isVisible();
    int first = b.locator("#messages [data-testid=message]").count();
    assertThat(first).as("messages rendered before scrolling").isLessThan(130);
    assertThat(message(b, "history 001")).hasCount(0);

    Locator scroller = b.locator("#message-scroller");
    for (int i = 0; i < 20 && message(b, "history 001").count() == 0; i++) {
      scroller.evaluate("el => { el.scrollTop = 0; }");
      b.page.waitForTimeout(150);
    }
    assertThat(message(b, "history 001")).hasCount(1);
    assertThat(b.locator("#history-top")).hasAttribute("data-state", "start");
    assertThat(bodies(b)).containsExactlyElementsOf(seeded);
  }

  @Test
  void mentionSuggestionsCompleteTheUsername() {
    Person alice = person("alice", "Alice Adams");
    Person bob = person("bob", "Bob Brown");
    team(alice, bob);
    Device a = signedIn(alice);
    Device b = signedIn(bob);
    open(a, "general");
    open(b, "random");

    composer(a).pressSequentially("ping @" + bob.username().substring(0, 3));
    Locator options = a.locator("#composer-mentions [role=option]");
    assertThat(options.first()).containsText("Bob Brown");
    assertThat(options.first()).hasAttribute("aria-selected", "true");
    assertThat(composer(a)).hasAttribute("aria-expanded", "true");
    composer(a).press("Enter");
    assertThat(composer(a)).hasValue("ping @" + bob.username() + " ");
    assertThat(a.locator("#composer-mentions")).isHidden();
    composer(a).pressSequentially("please review");
    composer(a).press("Enter");

    assertThat(conversationItem(b, "general").getByTestId("mention-badge")).hasText("@1");
    open(b, "general");
    assertThat(message(b, "please review").locator(".mention-me")).hasText("@" + bob.username());
  }

  @Test
  void channelsCanBeCreatedAndJoinedAndDirectMessagesStarted() {
    Person alice = person("alice", "Alice Adams");
    Person bob = person("bob", "Bob Brown");
    team(alice, bob);
    Device a = signedIn(alice);
    Device b = signedIn(bob);

    a.locator("#new-channel").click();
    a.locator("#channel-name").fill("Design Review");
    a.locator("#channel-topic").fill("pixels and pushing them");
    a.locator("#channel-form button[type=submit]").click();
    assertThat(conversationItem(a, "design-review")).hasAttribute("aria-current", "page");
    assertThat(a.locator("#conversation-topic")).hasText("pixels and pushing them");
    composer(a).fill("welcome to design");
    composer(a).press("Enter");

    b.locator("#browse-channels").click();
    b.page.getByLabel("Join #design-review").click();
    assertThat(conversationItem(b, "design-review")).hasAttribute("aria-current", "page");
    assertThat(message(b, "welcome to design")).isVisible();

    a.locator("#new-dm").click();
    a.page.getByLabel("Message Bob Brown").click();
    assertThat(conversationItem(a, "Bob Brown")).hasAttribute("aria-current", "page");
    composer(a).fill("psst, a secret");
    composer(a).press("Enter");

    // B learns about the new conversation live, with its unread count.
    assertThat(conversationItem(b, "Alice Adams").getByTestId("unread-badge")).hasText("1");
    open(b, "Alice Adams");
    assertThat(message(b, "psst, a secret")).isVisible();
  }

  @Test
  void aNewWorkspaceStartsWithGeneralAndAnInviteLinkBringsSomeoneIn() {
    Person alice = person("alice", "Alice Adams");
    Device a = signedIn(alice);
    assertThat(a.locator("#onboarding")).isVisible();
    a.locator("#onboarding-create").click();
    a.locator("#workspace-name").fill("Moon Base");
    a.locator("#workspace-form button[type=submit]").click();
    assertThat(a.locator("#workspace-select option:checked")).hasText("Moon Base");
    assertThat(conversationItem(a, "general")).hasAttribute("aria-current", "page");
    composer(a).fill("welcome, everyone");
    composer(a).press("Enter");
    assertThat(message(a, "welcome, everyone")).not().hasAttribute("data-pending", "sending");

    a.locator("#invite-people").click();
    assertThat(a.locator("#invite-link")).hasValue(Pattern.compile("^http://.*/#invite=uci_"));
    String link = a.locator("#invite-link").inputValue();
    a.locator("#invite-dialog [data-close]").click();

    // Someone new follows the link, creates an account, and lands in the workspace.
    String carol = uniqueName("carol");
    Device c = openDevice(carol);
    c.page.navigate(link);
    assertThat(c.locator("#auth-view")).isVisible();
    c.locator("#show-signup").click();
    c.locator("#signup-username").fill(carol);
    c.locator("#signup-password").fill(PASSWORD);
    c.locator("#signup-password-confirm").fill(PASSWORD);
    c.locator("#signup-submit").click();
    assertThat(c.locator("#workspace-select option:checked")).hasText("Moon Base");
    // Newcomers land in #general.
    assertThat(conversationItem(c, "general")).hasAttribute("aria-current", "page");
    assertThat(message(c, "welcome, everyone")).isVisible();
    composer(c).fill("hi, I'm new");
    composer(c).press("Enter");
    assertThat(message(a, "hi, I'm new")).isVisible();
  }

  @Test
  void searchFindsAMessageMarksTheMatchAndJumpsToIt() {
    Person alice = person("alice", "Alice Adams");
    Person bob = person("bob", "Bob Brown");
    Team team = team(alice, bob);
    post(alice, team.general(), "the <b>quarterly</b> report is ready for review");
    for (int i = 1; i <= 70; i++) {
      post(i % 2 == 0 ? alice : bob, team.general(), String.format("filler %03d", i));
    }
    post(bob, team.random(), "lunch at noon?");
    Device b = signedIn(bob);
    open(b, "random");

    b.locator("#search-input").fill("quarterly repo");
    b.locator("#search-input").press("Enter");
    Locator results = b.locator("#search-results [data-testid=search-result]");
    assertThat(results).hasCount(1);
    Locator snippet = results.first().getByTestId("search-snippet");
    assertThat(snippet).hasText("the <b>quarterly</b> report is ready for review");
    assertThat(snippet.locator("mark")).containsText(new String[] {"quarterly", "repo"});
    assertThat(snippet.locator("b")).hasCount(0);
    assertThat(results.first()).containsText("#general");
    assertThat(b.locator("#search-summary")).containsText("1 message matches");

    // The message is older than the newest page: the view opens around it.
    results.first().click();
    assertThat(conversationItem(b, "general")).hasAttribute("aria-current", "page");
    Locator found = message(b, "quarterly");
    assertThat(found).isInViewport();
    assertThat(found).hasClass(Pattern.compile("\\bflash\\b"));
    assertThat(message(b, "filler 070")).hasCount(0);
    b.locator("#jump-latest").click();
    assertThat(message(b, "filler 070")).isVisible();

    b.locator("#search-input").fill("nothing like this anywhere");
    b.locator("#search-input").press("Enter");
    assertThat(b.locator("#search-summary")).containsText("No messages match");
    assertThat(results).hasCount(0);
    b.locator("#search-input").press("Escape");
    assertThat(b.locator("#search-pane")).isHidden();
  }

  @Test
  void attachmentsAreUploadedSentAndShownToTheOtherPerson() throws Exception {
    Person alice = person("alice", "Alice Adams");
    Person bob = person("bob", "Bob Brown");
    team(alice, bob);
    Device a = signedIn(alice);
    Device b = signedIn(bob);
    open(a, "general");
    open(b, "general");

    byte[] png = png();
    byte[] notes = "meeting notes\nline two\n".getBytes(StandardCharsets.UTF_8);
    a.locator("[data-testid=composer-file]").setInputFiles(new FilePayload[] {
        new FilePayload("chart.png", "image/png", png), new FilePayload("notes.txt", "text/plain", notes)});
    assertThat(a.locator("#composer-form [data-testid=upload][data-state=done]")).hasCount(2);
    composer(a).fill("two files for you");
    composer(a).press("Enter");

    Locator onB = message(b, "two files for you");
    assertThat(onB.getByTestId("attachment")).hasCount(2);
    Locator image = onB.getByTestId("attachment-image");
    assertThat(image).hasAttribute("alt", "chart.png");
    assertThat(image).hasAttribute("src", Pattern.compile("^data:image/png;base64,"));
    assertThat(image).hasJSProperty("naturalWidth", 8);
    assertThat(a.locator("#composer-form [data-testid=upload]")).hasCount(0);

    Download download = b.page.waitForDownload(() -> onB.getByRole(AriaRole.BUTTON,
        new Locator.GetByRoleOptions().setName("notes.txt")).click());
    assertThat(download.suggestedFilename()).isEqualTo("notes.txt");
    assertThat(Files.readAllBytes(download.path())).isEqualTo(notes);
  }

  @Test
  void presenceDotsFollowTheOtherPersonComingAndGoing() {
    Person alice = person("alice", "Alice Adams");
    Person bob = person("bob", "Bob Brown");
    Team team = team(alice, bob);
    api.post("/api/v1/workspaces/" + team.workspaceId() + "/dms", java.util.Map.of("userIds", List.of(bob.id())), alice.token()).ok(201);
    Device b = signedIn(bob);
    Locator dot = conversationItem(b, "Alice Adams").getByTestId("presence-dot");
    assertThat(dot).hasAttribute("data-status", "offline");
    assertThat(b.locator("#my-presence")).hasAttribute("data-status", "online");

    Device a = signedIn(alice);
    assertThat(dot).hasAttribute("data-status", "online");
    assertThat(conversationItem(a, "Bob Brown").getByTestId("presence-dot")).hasAttribute("data-status", "online");

    a.context.close();
    assertThat(dot).hasAttribute("data-status", "offline");
  }

  private static byte[] png() throws java.io.IOException {
    BufferedImage img = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < 8; x++) {
      for (int y = 0; y < 6; y++) {
        img.setRGB(x, y, (x * 32) << 16 | (y * 40) << 8 | 0x80);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }
}
