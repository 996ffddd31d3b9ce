package io.ultrachat.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Drives the browser client (index.html, app.js, app.css) in a real headless Chromium against a
 * real server: sign-up, sign-in, session restore, sign-out and session management.
 *
 * <p>Every page's console errors and uncaught exceptions are collected and must be empty at the
 * end of each test, which also catches Content-Security-Policy violations. The only console
 * errors tolerated are Chromium's "Failed to load resource" lines for HTTP errors a test
 * provokes on purpose, and only for the exact status and path it declares.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebClientIT {
  private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  private static final String REFRESH_KEY = "ultrachat.refreshToken";
  private static final String PASSWORD = "correct horse battery";
  private static final Pattern HTTP_ERROR =
      Pattern.compile("^Failed to load resource: the server responded with a status of (\\d{3})\\b.*");

  private final AtomicInteger names = new AtomicInteger();
  private final List<Device> devices = new ArrayList<>();
  private Playwright playwright;
  private Browser browser;
  private TestServer server;
  private Api api;

  @BeforeAll
  void startBrowserAndServer() {
    if (!Files.isExecutable(CHROMIUM)) {
      fail(CHROMIUM + " is missing or not executable: the web client tests need Debian's chromium"
          + " (apt-get install chromium); Playwright must not download its own browser");
    }
    playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
        .setExecutablePath(CHROMIUM)
        .setHeadless(true)
        .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run")));
    // The build machine is small and shared: be generous before calling a UI state missing.
    PlaywrightAssertions.setDefaultAssertionTimeout(20_000);
    server = TestServer.on(TestServer.Backend.SQLITE).start();
    api = server.api();
  }

  @AfterAll
  void stopBrowserAndServer() {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void closeDevicesAndCheckForErrors() {
    List<String> problems = new ArrayList<>();
    for (Device d : devices) {
      d.context.close();
      problems.addAll(d.problems);
    }
    devices.clear();
    assertThat(problems).as("console errors, page errors and CSP violations in the browser").isEmpty();
  }

  // -------------------------------------------------------------------------------------------
  // Tests

  @Test
  void signUpShowsTheAppWithTheNewAccountAndItsOnlySession() {
    String username = uniqueName("ada");
    Device d = openDevice("device");
    d.gotoApp();
    assertThat(d.locator("#auth-view")).isVisible();
    d.locator("#show-signup").click();
    assertThat(d.locator("#signup-form")).isVisible();
    d.locator("#signup-username").fill(username);
    d.locator("#signup-display-name").fill("Ada Lovelace");
    d.locator("#signup-password").fill(PASSWORD);
    d.locator("#signup-password-confirm").fill(PASSWORD);
    d.locator("#signup-submit").click();

    assertThat(d.locator("#app-view")).isVisible();
    assertThat(d.locator("#auth-view")).isHidden();
    assertThat(d.locator("#current-user")).containsText("Ada Lovelace");
    assertThat(d.locator("#current-user")).containsText("@" + username);
    assertThat(d.locator("#sessions .session")).hasCount(1);
    assertThat(d.locator("#sessions .session.current")).hasCount(1);
    assertThat(d.locator("#sessions .session.current")).hasAttribute("data-session-id", Pattern.compile("^\\d+$"));
    assertThat(d.locator("#sessions button.revoke-session")).hasCount(0);
    assertThat(d.locator("#profile-display-name")).hasValue("Ada Lovelace");
    assertThat(d.refreshToken()).as("stored refresh token").isNotBlank();

    // The account is real: the same credentials work through the API, with the chosen name.
    JsonNode tokens = api.login(username, PASSWORD);
    assertThat(tokens.path("user").path("username").asText()).isEqualTo(username);
    assertThat(tokens.path("user").path("displayName").asText()).isEqualTo("Ada Lovelace");
    JsonNode sessions = api.get("/api/v1/auth/sessions", tokens.path("accessToken").asText()).ok(200).json().path("sessions");
    assertThat(sessions).as("the browser's session and the API login").hasSize(2);
    List<String> ids = new ArrayList<>();
    sessions.forEach(s -> ids.add(s.path("id").asText()));
    assertThat(ids).contains(d.locator("#sessions .session.current").getAttribute("data-session-id"));

    screenshot(d, "web-signed-in.png");
  }

  @Test
  void signUpWithMismatchingPasswordsIsRefusedWithoutCreatingTheAccount() {
    String username = uniqueName("grace");
    Device d = openDevice("device");
    d.gotoApp();
    d.locator("#show-signup").click();
    d.locator("#signup-username").fill(username);
    d.locator("#signup-display-name").fill("Grace Hopper");
    d.locator("#signup-password").fill(PASSWORD);
    d.locator("#signup-password-confirm").fill(PASSWORD + "!");
    d.locator("#signup-submit").click();

    assertThat(d.locator("#signup-error")).isVisible();
    assertThat(d.locator("#signup-error")).containsText("Passwords do not match");
    assertThat(d.locator("#signup-password-confirm")).hasAttribute("aria-invalid", "true");
    assertThat(d.locator("#auth-view")).isVisible();
    assertThat(d.locator("#app-view")).isHidden();
    assertThat(d.refreshToken()).isNull();

    api.post("/api/v1/auth/login", Map.of("username", username, "password", PASSWORD)).problem(401, "invalid-credentials");
    api.post("/api/v1/auth/login", Map.of("username", username, "password", PASSWORD + "!")).problem(401, "invalid-credentials");
  }

  @Test
  void signUpWithATakenUsernameShowsTheConflict() {
    String username = uniqueName("linus");
    api.register(username, "someone else's password");
    Device d = openDevice("device");
    d.allowHttpError(409, "/api/v1/auth/register");
    d.gotoApp();
    d.locator("#show-signup").click();
    d.locator("#signup-username").fill(username);
    d.locator("#signup-password").fill(PASSWORD);
    d.locator("#signup-password-confirm").fill(PASSWORD);
    d.locator("#signup-submit").click();

    assertThat(d.locator("#signup-error")).isVisible();
    assertThat(d.locator("#signup-error")).containsText(username);
    assertThat(d.locator("#signup-error")).containsText("taken");
    assertThat(d.locator("#auth-view")).isVisible();
    assertThat(d.locator("#signup-panel")).isVisible();
    assertThat(d.locator("#app-view")).isHidden();
    assertThat(d.locator("#signup-submit")).isEnabled();
    assertThat(d.refreshToken()).isNull();
  }

  @Test
  void signInShowsTheServersErrorForAWrongPasswordAndSignsInWithTheRightOne() {
    String username = uniqueName("margaret");
    api.register(username, PASSWORD);
    String detail = api.post("/api/v1/auth/login", Map.of("username", username, "password", "wrong password"))
        .problem(401, "invalid-credentials").json().path("detail").asText();
    assertThat(detail).isNotBlank();

    Device d = openDevice("device");
    d.allowHttpError(401, "/api/v1/auth/login");
    d.gotoApp();
    assertThat(d.locator("#signin-form")).isVisible();
    assertThat(d.locator("#signin-error")).isHidden();
    screenshot(d, "web-auth.png");

    d.locator("#signin-username").fill(username);
    d.locator("#signin-password").fill("wrong password");
    d.locator("#signin-submit").click();
    assertThat(d.locator("#signin-error")).isVisible();
    // The page shows the server's detail as a sentence (first letter capitalised).
    assertThat(d.locator("#signin-error")).containsText(Character.toUpperCase(detail.charAt(0)) + detail.substring(1));
    assertThat(d.locator("#auth-view")).isVisible();
    assertThat(d.locator("#app-view")).isHidden();

    d.locator("#signin-password").fill(PASSWORD);
    d.locator("#signin-submit").click();
    assertThat(d.locator("#app-view")).isVisible();
    assertThat(d.locator("#auth-view")).isHidden();
    assertThat(d.locator("#current-user")).containsText("@" + username);
    assertThat(d.locator("#sessions .session.current")).hasCount(1);
  }

  @Test
  void reloadingRestoresTheSessionFromTheRefreshToken() {
    String username = uniqueName("barbara");
    JsonNode registration = api.register(username, PASSWORD);
    api.post("/api/v1/auth/logout", null, registration.path("accessToken").asText()).ok(204);
    Device d = openDevice("device");
    d.signIn(username, PASSWORD);
    String sessionId = d.currentSessionId();
    assertThat(d.locator("#sessions .session")).hasCount(1);
    assertThat(d.refreshToken()).isNotBlank();

    d.page.reload();

    assertThat(d.locator("#app-view")).isVisible();
    assertThat(d.locator("#auth-view")).isHidden();
    assertThat(d.locator("#current-user")).containsText("@" + username);
    assertThat(d.locator("#sessions .session")).hasCount(1);
    assertThat(d.locator("#sessions .session.current")).hasAttribute("data-session-id", sessionId);
    assertThat(d.refreshToken()).as("stored refresh token after the reload").isNotBlank();
    // Restored, not signed in anew: the browser's session is still the user's only one.
    JsonNode tokens = api.login(username, PASSWORD);
    List<String> ids = new ArrayList<>();
    api.get("/api/v1/auth/sessions", tokens.path("accessToken").asText()).ok(200).json().path("sessions")
        .forEach(s -> ids.add(s.path("id").asText()));
    assertThat(ids).containsExactlyInAnyOrder(sessionId, tokens.path("sessionId").asText());
  }

  @Test
  void signOutForgetsTheRefreshTokenAndEndsTheSession() {
    String username = uniqueName("edsger");
    api.register(username, PASSWORD);
    Device d = openDevice("device");
    d.signIn(username, PASSWORD);
    String refreshToken = d.refreshToken();
    assertThat(refreshToken).isNotBlank();

    d.locator("#signout").click();

    assertThat(d.locator("#auth-view")).isVisible();
    assertThat(d.locator("#signin-form")).isVisible();
    assertThat(d.locator("#app-view")).isHidden();
    assertThat(d.refreshToken()).as("stored refresh token after sign-out").isNull();
    Api.Response refresh = api.post("/api/v1/auth/refresh", Map.of("refreshToken", refreshToken));
    assertThat(refresh.status()).as("refresh with the signed-out token: %s", refresh.body()).isEqualTo(401);
    assertThat(refresh.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("application/problem+json"));

    // And a reload does not bring the session back.
    d.page.reload();
    assertThat(d.locator("#auth-view")).isVisible();
    assertThat(d.locator("#app-view")).isHidden();
  }

  @Test
  void revokingAnotherSessionRemovesItFromTheListAndEndsIt() {
    String username = uniqueName("alan");
    JsonNode registration = api.register(username, PASSWORD);
    api.post("/api/v1/auth/logout", null, registration.path("accessToken").asText()).ok(204);
    JsonNode phone = api.login(username, PASSWORD);
    JsonNode laptop = api.login(username, PASSWORD);
    String phoneSession = phone.path("sessionId").asText();
    String laptopSession = laptop.path("sessionId").asText();

    Device d = openDevice("device");
    d.signIn(username, PASSWORD);
    assertThat(d.locator("#sessions .session")).hasCount(3);
    assertThat(d.locator("#sessions .session.current")).hasCount(1);
    assertThat(d.locator("#sessions button.revoke-session")).hasCount(2);
    assertThat(d.session(phoneSession)).hasCount(1);
    assertThat(d.session(laptopSession)).hasCount(1);

    d.session(phoneSession).locator("button.revoke-session").click();

    assertThat(d.locator("#sessions .session")).hasCount(2);
    assertThat(d.session(phoneSession)).hasCount(0);
    assertThat(d.session(laptopSession)).hasCount(1);
    assertThat(d.locator("#sessions .session.current")).hasCount(1);
    assertThat(d.locator("#sessions-error")).isHidden();
    assertThat(d.locator("#app-view")).isVisible();

    api.get("/api/v1/users/me", phone.path("accessToken").asText()).problem(401, "session-revoked");
    api.get("/api/v1/users/me", laptop.path("accessToken").asText()).ok(200);
    assertThat(api.post("/api/v1/auth/refresh", Map.of("refreshToken", phone.path("refreshToken").asText())).status())
        .isEqualTo(401);
  }

  @Test
  void aDeviceWhoseSessionWasRevokedElsewhereEndsUpOnSignIn() {
    String username = uniqueName("katherine");
    api.register(username, PASSWORD);
    // B notices on its next API call (the sessions list's Refresh button), C on a reload.
    Device b = openDevice("device B");
    b.allowHttpError(401, "/api/v1/auth/sessions");
    b.signIn(username, PASSWORD);
    Device c = openDevice("device C");
    c.allowHttpError(401, "/api/v1/auth/refresh");
    c.signIn(username, PASSWORD);
    Device a = openDevice("device A");
    a.signIn(username, PASSWORD);
    String sessionB = b.currentSessionId();
    String sessionC = c.currentSessionId();
    assertThat(sessionB).isNotEqualTo(sessionC);

    // The registration's session, B, C and A itself.
    assertThat(a.locator("#sessions .session")).hasCount(4);
    a.session(sessionB).locator("button.revoke-session").click();
    assertThat(a.session(sessionB)).hasCount(0);
    a.session(sessionC).locator("button.revoke-session").click();
    assertThat(a.session(sessionC)).hasCount(0);
    assertThat(a.locator("#sessions .session")).hasCount(2);
    assertThat(a.locator("#app-view")).isVisible();

    b.locator("#sessions-refresh").click();
    assertThat(b.locator("#auth-view")).isVisible();
    assertThat(b.locator("#signin-form")).isVisible();
    assertThat(b.locator("#app-view")).isHidden();
    assertThat(b.locator("#auth-notice")).isVisible();
    assertThat(b.locator("#auth-notice")).containsText("signed out");
    assertThat(b.refreshToken()).isNull();
    b.page.reload();
    assertThat(b.locator("#auth-view")).isVisible();
    assertThat(b.locator("#app-view")).isHidden();

    c.page.reload();
    assertThat(c.locator("#auth-view")).isVisible();
    assertThat(c.locator("#signin-form")).isVisible();
    assertThat(c.locator("#app-view")).isHidden();
    assertThat(c.locator("#auth-notice")).containsText("signed out");
    assertThat(c.refreshToken()).isNull();

    // A is untouched.
    a.locator("#sessions-refresh").click();
    assertThat(a.locator("#sessions .session")).hasCount(2);
    assertThat(a.locator("#sessions .session.current")).hasCount(1);
    assertThat(a.locator("#app-view")).isVisible();
  }

  // -------------------------------------------------------------------------------------------
  // Helpers

  private String uniqueName(String base) {
    return base + "-" + names.incrementAndGet();
  }

  private Device openDevice(String name) {
    BrowserContext context = browser.newContext(new Browser.NewContextOptions()
        .setViewportSize(1280, 800)
        .setLocale("en-US")
        .setTimezoneId("UTC"));
    context.setDefaultTimeout(30_000);
    Device d = new Device(name, context);
    devices.add(d);
    return d;
  }

  private static void screenshot(Device d, String fileName) {
    Path dir = Paths.get(System.getProperty("basedir", "")).toAbsolutePath().resolve("target");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new AssertionError("cannot create " + dir, e);
    }
    d.page.screenshot(new Page.ScreenshotOptions().setPath(dir.resolve(fileName)).setFullPage(true));
  }

  /** One browser profile (a "device"): its own storage, its own page, its own error log. */
  private final class Device {
    final String name;
    final BrowserContext context;
    final Page page;
    final List<String> problems = new ArrayList<>();
    private final List<String> allowedHttpErrors = new ArrayList<>();

    Device(String name, BrowserContext context) {
      this.name = name;
      this.context = context;
      this.page = context.newPage();
      page.onConsoleMessage(msg -> {
        if (!"error".equals(msg.type())) {
          return;
        }
        String where = msg.location();
        Matcher m = HTTP_ERROR.matcher(msg.text());
        if (m.matches() && allowedHttpErrors.contains(m.group(1) + " " + pathOf(where))) {
          return;
        }
        problems.add(name + ": console error: " + msg.text() + " (at " + where + ")");
      });
      page.onPageError(error -> problems.add(name + ": uncaught page error: " + error));
    }

    /** Tolerates Chromium's console line for one HTTP error status on one path, provoked on purpose. */
    void allowHttpError(int status, String path) {
      allowedHttpErrors.add(status + " " + path);
    }

    void gotoApp() {
      page.navigate(server.baseUrl() + "/");
      // Either view, once app.js has finished booting.
      assertThat(page.locator("#boot-view")).isHidden();
    }

    Locator locator(String selector) {
      return page.locator(selector);
    }

    Locator session(String sessionId) {
      return page.locator("#sessions .session[data-session-id='" + sessionId + "']");
    }

    void signIn(String username, String password) {
      gotoApp();
      assertThat(locator("#signin-form")).isVisible();
      locator("#signin-username").fill(username);
      locator("#signin-password").fill(password);
      locator("#signin-submit").click();
      assertThat(locator("#app-view")).isVisible();
      assertThat(locator("#sessions .session.current")).hasCount(1);
    }

    String currentSessionId() {
      Locator current = locator("#sessions .session.current");
      assertThat(current).hasCount(1);
      return current.getAttribute("data-session-id");
    }

    String refreshToken() {
      return (String) page.evaluate("key => localStorage.getItem(key)", REFRESH_KEY);
    }

    private static String pathOf(String url) {
      // Chromium reports the resource's URL, sometimes followed by ":line:column".
      try {
        return URI.create(url).getPath().replaceFirst("(:\\d+){1,2}$", "");
      } catch (RuntimeException e) {
        return url;
      }
    }
  }
}
