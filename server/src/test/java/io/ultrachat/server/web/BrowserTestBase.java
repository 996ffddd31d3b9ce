package io.ultrachat.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

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
import org.junit.jupiter.api.TestInstance;

/**
 * What the browser suites share: one headless Chromium (Debian's, never a downloaded one) and
 * one started server per class, and "devices" (browser contexts: own storage, own page) per
 * test.
 *
 * <p>Every page's console errors and uncaught exceptions are collected and must be empty at the
 * end of each test, which also catches Content-Security-Policy violations. The only console
 * errors tolerated are Chromium's "Failed to load resource" lines for HTTP errors a test
 * provokes on purpose, and only for the exact status and path it declares, and network errors
 * of a device the test takes offline on purpose.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BrowserTestBase {
  static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  static final String REFRESH_KEY = "ultrachat.refreshToken";
  static final String PASSWORD = "correct horse battery";
  private static final Pattern HTTP_ERROR =
      Pattern.compile("^Failed to load resource: the server responded with a status of (\\d{3})\\b.*");
  // What Chromium logs for requests and sockets that fail because the network is gone.
  private static final Pattern NETWORK_ERROR = Pattern.compile(
      "^(Failed to load resource: net::ERR_\\w+|WebSocket connection to '.*' failed.*)$");

  private final AtomicInteger names = new AtomicInteger();
  private final List<Device> devices = new ArrayList<>();
  private Playwright playwright;
  private Browser browser;
  protected TestServer server;
  protected Api api;

  /** The backend this class's server runs on. */
  protected TestServer.Backend backend() {
    return TestServer.Backend.SQLITE;
  }

  /** Settings for this class's server, on top of the test defaults. */
  protected Map<String, String> serverSettings() {
    return Map.of();
  }

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
            "--disable-component-update", "--disable-sync", "--no-first-run",
            // Two users side by side: neither page may be throttled as a background tab.
            "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
            "--disable-backgrounding-occluded-windows")));
    // The build machine is small and shared: be generous before calling a UI state missing.
    PlaywrightAssertions.setDefaultAssertionTimeout(20_000);
    TestServer.Builder builder = TestServer.on(backend());
    serverSettings().forEach(builder::set);
    server = builder.start();
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

  protected String uniqueName(String base) {
    return base + "-" + names.incrementAndGet();
  }

  protected Device openDevice(String name) {
    BrowserContext context = browser.newContext(new Browser.NewContextOptions()
        .setViewportSize(1280, 800)
        .setLocale("en-US")
        .setTimezoneId("UTC"));
    context.setDefaultTimeout(30_000);
    Device d = new Device(name, context);
    devices.add(d);
    return d;
  }

  protected static void screenshot(Device d, String fileName) {
    Path dir = Paths.get(System.getProperty("basedir", "")).toAbsolutePath().resolve("target");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new AssertionError("cannot create " + dir, e);
    }
    d.page.screenshot(new Page.ScreenshotOptions().setPath(dir.resolve(fileName)).setFullPage(true));
  }

  /** One browser profile (a "device"): its own storage, its own page, its own error log. */
  protected final class Device {
    final String name;
    final BrowserContext context;
    final Page page;
    final List<String> problems = new ArrayList<>();
    private final List<String> allowedHttpErrors = new ArrayList<>();
    private volatile boolean networkErrorsExpected;

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
        if (networkErrorsExpected && NETWORK_ERROR.matcher(msg.text()).matches()) {
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

    /** Tolerates the console lines of failed requests and sockets: the test cuts this device off. */
    void expectNetworkErrors() {
      networkErrorsExpected = true;
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

    /** Signs in through the form and waits for the app. */
    void signIn(String username, String password) {
      gotoApp();
      assertThat(locator("#signin-form")).isVisible();
      locator("#signin-username").fill(username);
      locator("#signin-password").fill(password);
      locator("#signin-submit").click();
      assertThat(locator("#app-view")).isVisible();
    }

    /** Shows the account page (sessions and profile) and waits for the session list. */
    void openAccount() {
      locator("#open-account").click();
      assertThat(locator("#account-view")).isVisible();
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
