package io.ultrachat.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import io.ultrachat.testkit.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Auth API as a client meets it, over HTTP against a started server. Subclasses run it on
 * SQLite and on PostgreSQL. The server runs on a {@link MutableClock}, so session renewal and
 * token expiry are tested by moving time, not by sleeping.
 */
abstract class AuthApiContract {
  private final TestServer.Backend backend;
  protected MutableClock clock;
  protected TestServer server;
  protected Api api;

  AuthApiContract(TestServer.Backend backend) {
    this.backend = backend;
  }

  @BeforeEach
  void start() {
    clock = MutableClock.startingNow();
    server = TestServer.on(backend).clock(clock).start();
    api = server.api();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void registerReturnsTokensAndTheFirstPersonBecomesAdmin() {
    JsonNode first = api.register("alice", "correct horse");
    assertThat(first.path("tokenType").asText()).isEqualTo("Bearer");
    assertThat(first.path("expiresIn").asLong()).isEqualTo(3600);
    assertThat(first.path("refreshToken").asText()).startsWith("ucr_");
    assertThat(first.path("user").path("id").isTextual()).as("ids travel as strings").isTrue();
    assertThat(first.path("user").path("admin").asBoolean()).isTrue();
    JsonNode second = api.register("bob", "battery staple");
    assertThat(second.path("user").path("admin").asBoolean()).isFalse();
    assertThat(second.path("user").path("displayName").asText()).isEqualTo("bob");
  }

  @Test
  void usernamesAreUniqueIgnoringCase() {
    api.register("Alice", "correct horse");
    api.post("/api/v1/auth/register", Map.of("username", "alice", "password", "other password")).problem(409, "username-taken");
  }

  @Test
  void loginWithRightAndWrongPassword() {
    api.register("alice", "correct horse");
    JsonNode tokens = api.login("ALICE", "correct horse");
    assertThat(tokens.path("user").path("username").asText()).isEqualTo("alice");
    api.post("/api/v1/auth/login", Map.of("username", "alice", "password", "wrong horse")).problem(401, "invalid-credentials");
    api.post("/api/v1/auth/login", Map.of("username", "nobody", "password", "wrong horse")).problem(401, "invalid-credentials");
  }

  @Test
  void profileCanBeReadAndChanged() {
    String token = api.register("alice", "correct horse").path("accessToken").asText();
    JsonNode me = api.get("/api/v1/users/me", token).ok(200).json();
    assertThat(me.path("username").asText()).isEqualTo("alice");
    JsonNode changed = api.patch("/api/v1/users/me", Map.of("displayName", "  Alice Liddell "), token).ok(200).json();
    assertThat(changed.path("displayName").asText()).isEqualTo("Alice Liddell");
    JsonNode other = api.get("/api/v1/users/" + me.path("id").asText(), api.register("bob", "battery staple").path("accessToken").asText())
        .ok(200).json();
    assertThat(other.path("displayName").asText()).isEqualTo("Alice Liddell");
    assertThat(other.has("admin")).as("public profile hides the role").isFalse();
    api.get("/api/v1/users/123456789", token).problem(404, "user-not-found");
    api.get("/api/v1/users/not-a-number", token).problem(404, "not-found");
  }

  @Test
  void refreshKeepsTheRefreshTokenUntilLessThanAnHourRemainsThenRotatesIt() {
    JsonNode login = api.register("alice", "correct horse");
    String refresh = login.path("refreshToken").asText();

    clock.advance(Duration.ofHours(2));
    JsonNode early = api.post("/api/v1/auth/refresh", Map.of("refreshToken", refresh)).ok(200).json();
    assertThat(early.path("refreshToken").asText()).isEqualTo(refresh);
    assertThat(early.path("accessToken").asText()).isNotEqualTo(login.path("accessToken").asText());

    clock.advance(Duration.ofHours(21).plusMinutes(30)); // 23.5 h into a 24 h session
    JsonNode renewed = api.post("/api/v1/auth/refresh", Map.of("refreshToken", refresh)).ok(200).json();
    String rotated = renewed.path("refreshToken").asText();
    assertThat(rotated).isNotEqualTo(refresh);
    assertThat(java.time.Instant.parse(renewed.path("sessionExpiresAt").asText()))
        .isAfter(clock.instant().plus(Duration.ofHours(23)));

    clock.advance(Duration.ofHours(2)); // past the original expiry, within the renewed one
    api.post("/api/v1/auth/refresh", Map.of("refreshToken", rotated)).ok(200);
  }

  @Test
  void reusingARotatedRefreshTokenEndsTheSession() {
    JsonNode login = api.register("alice", "correct horse");
    String refresh = login.path("refreshToken").asText();
    clock.advance(Duration.ofHours(23).plusMinutes(30));
    JsonNode renewed = api.post("/api/v1/auth/refresh", Map.of("refreshToken", refresh)).ok(200).json();
    String rotated = renewed.path("refreshToken").asText();
    api.get("/api/v1/users/me", renewed.path("accessToken").asText()).ok(200);

    api.post("/api/v1/auth/refresh", Map.of("refreshToken", refresh)).problem(401, "refresh-token-reused");
    api.post("/api/v1/auth/refresh", Map.of("refreshToken", rotated)).problem(401, "session-revoked");
    api.get("/api/v1/users/me", renewed.path("accessToken").asText()).problem(401, "session-revoked");
  }

  @Test
  void sessionsExpireAfterTheirMaxAge() {
    String refresh = api.register("alice", "correct horse").path("refreshToken").asText();
    clock.advance(Duration.ofHours(24).plusSeconds(1));
    api.post("/api/v1/auth/refresh", Map.of("refreshToken", refresh)).problem(401, "session-expired");
  }

  @Test
  void accessTokensExpireAfterAnHour() {
    String token = api.register("alice", "correct horse").path("accessToken").asText();
    api.get("/api/v1/users/me", token).ok(200);
    clock.advance(Duration.ofHours(1).plusMinutes(1));
    api.get("/api/v1/users/me", token).problem(401, "token-expired");
  }

  @Test
  void logoutEndsTheSessionAndItsTokensAtOnce() {
    JsonNode login = api.register("alice", "correct horse");
    String token = login.path("accessToken").asText();
    api.post("/api/v1/auth/logout", null, token).ok(204);
    api.get("/api/v1/users/me", token).problem(401, "session-revoked");
    api.post("/api/v1/auth/refresh", Map.of("refreshToken", login.path("refreshToken").asText())).problem(401, "session-revoked");
  }

  @Test
  void sessionsAreListedAndOnlyOwnCanBeRevoked() {
    JsonNode first = api.register("alice", "correct horse");
    JsonNode second = api.login("alice", "correct horse");
    String token = second.path("accessToken").asText();
    JsonNode list = api.get("/api/v1/auth/sessions", token).ok(200).json().path("sessions");
    assertThat(list).hasSize(2);
    assertThat(list.findValuesAsText("current")).containsExactlyInAnyOrder("true", "false");

    String bob = api.register("bob", "battery staple").path("accessToken").asText();
    api.delete("/api/v1/auth/sessions/" + first.path("sessionId").asText(), bob).problem(404, "session-not-found");
    api.get("/api/v1/users/me", first.path("accessToken").asText()).ok(200);

    api.delete("/api/v1/auth/sessions/" + first.path("sessionId").asText(), token).ok(204);
    api.get("/api/v1/users/me", first.path("accessToken").asText()).problem(401, "session-revoked");
    assertThat(api.get("/api/v1/auth/sessions", token).json().path("sessions")).hasSize(1);
    api.delete("/api/v1/auth/sessions/" + first.path("sessionId").asText(), token).problem(404, "session-not-found");
  }

  @Test
  void changingThePasswordEndsTheOtherSessions() {
    JsonNode other = api.register("alice", "correct horse");
    JsonNode current = api.login("alice", "correct horse");
    String token = current.path("accessToken").asText();
    api.post("/api/v1/auth/password", Map.of("currentPassword", "wrong one!", "newPassword", "new password 1"), token)
        .problem(403, "wrong-password");
    api.post("/api/v1/auth/password", Map.of("currentPassword", "correct horse", "newPassword", "new password 1"), token).ok(204);
    api.get("/api/v1/users/me", other.path("accessToken").asText()).problem(401, "session-revoked");
    api.post("/api/v1/auth/refresh", Map.of("refreshToken", other.path("refreshToken").asText())).problem(401, "session-revoked");
    api.get("/api/v1/users/me", token).ok(200);
    api.post("/api/v1/auth/login", Map.of("username", "alice", "password", "correct horse")).problem(401, "invalid-credentials");
    api.login("alice", "new password 1");
  }

  @Test
  void apiTokensAreShownOnceScopedAndRevocable() {
    String session = api.register("alice", "correct horse").path("accessToken").asText();
    JsonNode created = api.post("/api/v1/auth/tokens", Map.of("name", "ci", "scopes", List.of("users:read")), session).ok(201).json();
    String secret = created.path("token").asText();
    assertThat(secret).startsWith("uct_");
    JsonNode listed = api.get("/api/v1/auth/tokens", session).ok(200).json().path("tokens");
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).has("token")).as("the secret is shown only once").isFalse();

    assertThat(api.get("/api/v1/users/me", secret).ok(200).json().path("username").asText()).isEqualTo("alice");
    api.patch("/api/v1/users/me", Map.of("displayName", "x"), secret).problem(403, "insufficient-scope");
    api.get("/api/v1/auth/sessions", secret).problem(403, "login-session-required");
    api.post("/api/v1/auth/tokens", Map.of("name", "escalate", "scopes", List.of("users:write")), secret)
        .problem(403, "login-session-required");

    api.delete("/api/v1/auth/tokens/" + created.path("id").asText(), session).ok(204);
    api.get("/api/v1/users/me", secret).problem(401, "invalid-token");
  }

  @Test
  void apiTokenInputIsChecked() {
    String session = api.register("alice", "correct horse").path("accessToken").asText();
    api.post("/api/v1/auth/tokens", Map.of("name", "x", "scopes", List.of("root")), session).problem(400, "invalid-input");
    api.post("/api/v1/auth/tokens", Map.of("name", "x", "scopes", List.of()), session).problem(400, "invalid-input");
    api.post("/api/v1/auth/tokens", Map.of("name", "", "scopes", List.of("users:read")), session).problem(400, "invalid-input");
    api.post("/api/v1/auth/tokens", Map.of("name", "x", "scopes", List.of("users:read"), "expiresInDays", 0), session)
        .problem(400, "invalid-input");
    assertThat(api.get("/api/v1/auth/tokens", session).json().path("tokens")).isEmpty();
  }

  @Test
  void expiringApiTokensStopWorkingWhenTheyExpire() {
    String session = api.register("alice", "correct horse").path("accessToken").asText();
    String secret = api.post("/api/v1/auth/tokens", Map.of("name", "short", "scopes", List.of("users:read"), "expiresInDays", 1), session)
        .ok(201).json().path("token").asText();
    api.get("/api/v1/ping", secret).ok(200);
    clock.advance(Duration.ofDays(1).plusMinutes(1));
    api.get("/api/v1/ping", secret).problem(401, "invalid-token");
  }

  @Test
  void botsActThroughTheirTokensAndOnlyTheirOwnerManagesThem() {
    String alice = api.register("alice", "correct horse").path("accessToken").asText();
    String bob = api.register("bob", "battery staple").path("accessToken").asText();
    JsonNode bot = api.post("/api/v1/bots", Map.of("username", "deploy-bot", "displayName", "Deploy"), alice).ok(201).json();
    assertThat(bot.path("kind").asText()).isEqualTo("bot");
    String botId = bot.path("id").asText();

    api.post("/api/v1/bots/" + botId + "/tokens", Map.of("name", "t", "scopes", List.of("users:read")), bob).problem(404, "bot-not-found");
    JsonNode token = api.post("/api/v1/bots/" + botId + "/tokens", Map.of("name", "t", "scopes", List.of("users:read")), alice)
        .ok(201).json();
    JsonNode me = api.get("/api/v1/users/me", token.path("token").asText()).ok(200).json();
    assertThat(me.path("username").asText()).isEqualTo("deploy-bot");
    assertThat(me.path("kind").asText()).isEqualTo("bot");

    api.post("/api/v1/auth/login", Map.of("username", "deploy-bot", "password", "anything at all")).problem(401, "invalid-credentials");
    assertThat(api.get("/api/v1/bots", alice).json().path("bots")).hasSize(1);
    assertThat(api.get("/api/v1/bots", bob).json().path("bots")).isEmpty();
    api.delete("/api/v1/bots/" + botId, bob).problem(404, "bot-not-found");
    api.delete("/api/v1/bots/" + botId, alice).ok(204);
    api.get("/api/v1/users/me", token.path("token").asText()).problem(401, "invalid-token");
  }

  @Test
  void adminsGrantTheAdminRoleAndOthersCannot() {
    String admin = api.register("alice", "correct horse").path("accessToken").asText();
    JsonNode bob = api.register("bob", "battery staple");
    String bobId = bob.path("user").path("id").asText();
    api.patch("/api/v1/admin/users/" + bobId, Map.of("admin", true), bob.path("accessToken").asText()).problem(403, "admin-required");
    assertThat(api.patch("/api/v1/admin/users/" + bobId, Map.of("admin", true), admin).ok(200).json().path("admin").asBoolean()).isTrue();
    // The role is a claim of the access token, so it applies from the next sign-in.
    assertThat(api.login("bob", "battery staple").path("user").path("admin").asBoolean()).isTrue();
  }

  @Test
  void keyRotationKeepsOldTokensValidForTheGracePeriod() {
    String admin = api.register("alice", "correct horse").path("accessToken").asText();
    String oldKid = api.get("/.well-known/jwks.json").ok(200).json().path("keys").get(0).path("kid").asText();
    JsonNode rotation = api.post("/api/v1/admin/signing-keys/rotate", null, admin).ok(200).json();
    assertThat(rotation.path("previousKids").get(0).asText()).isEqualTo(oldKid);
    assertThat(api.get("/.well-known/jwks.json").json().path("keys").findValuesAsText("kid"))
        .containsExactlyInAnyOrder(oldKid, rotation.path("kid").asText());

    String fresh = api.login("alice", "correct horse").path("accessToken").asText();
    api.get("/api/v1/users/me", admin).ok(200); // signed with the old key, still verifies
    api.get("/api/v1/users/me", fresh).ok(200);

    clock.advance(Duration.ofHours(2).plusMinutes(1)); // past the grace period
    assertThat(api.get("/.well-known/jwks.json").json().path("keys").findValuesAsText("kid")).containsExactly(rotation.path("kid").asText());
  }
}
