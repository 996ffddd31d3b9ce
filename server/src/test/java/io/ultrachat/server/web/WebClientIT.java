package io.ultrachat.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.PlaywrightException;
import io.ultrachat.server.Api;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Drives the browser client in a real headless Chromium against a real server: sign-up,
 * sign-in, session restore, sign-out and session management on the account page. The chat
 * itself is covered by {@link SqliteChatWebClientIT}.
 */
class WebClientIT extends BrowserTestBase {
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
    // A new account has no workspace yet: the chat offers to create or join one.
    assertThat(d.locator("#onboarding")).isVisible();
    d.openAccount();
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
    d.openAccount();
  }

  @Test
  void reloadingRestoresTheSessionFromTheRefreshToken() {
    String username = uniqueName("barbara");
    JsonNode registration = api.register(username, PASSWORD);
    api.post("/api/v1/auth/logout", null, registration.path("accessToken").asText()).ok(204);
    Device d = openDevice("device");
    d.signIn(username, PASSWORD);
    d.openAccount();
    String sessionId = d.currentSessionId();
    assertThat(d.locator("#sessions .session")).hasCount(1);
    assertThat(d.refreshToken()).isNotBlank();

    d.page.reload();

    assertThat(d.locator("#app-view")).isVisible();
    assertThat(d.locator("#auth-view")).isHidden();
    assertThat(d.locator("#current-user")).containsText("@" + username);
    d.openAccount();
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
    d.openAccount();
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
    for (Device d : List.of(a, b, c)) {
      d.openAccount();
    }
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

    // The realtime connection may cut B off first (its token is re-checked every heartbeat);
    // otherwise B notices on the Refresh button's call.
    clickIfStillThere(b.locator("#sessions-refresh"));
    assertThat(b.locator("#auth-view")).isVisible();
    assertThat(b.locator("#signin-form")).isVisible();
    assertThat(b.locator("#app-view")).isHidden();
    assertThat(b.locator("#auth-notice")).isVisible();
    assertThat(b.locator("#auth-notice")).containsText("signed out");
    assertThat(b.refreshToken()).isNull();
    b.page.reload();
    assertThat(b.locator("#auth-view")).isVisible();
    assertThat(b.locator("#app-view")).isHidden();

    // Same race for C: either its connection was cut (it shows sign-in with the notice) or the
    // reload's refresh is refused.
    if (c.locator("#app-view").isVisible()) {
      c.page.reload();
    }
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

  /** Clicks unless the element went away (or never shows) within a few seconds. */
  private static void clickIfStillThere(Locator button) {
    try {
      button.click(new Locator.ClickOptions().setTimeout(5_000));
    } catch (PlaywrightException gone) {
      // The page moved on by itself; the assertions after the click say whether that was right.
    }
  }
}
