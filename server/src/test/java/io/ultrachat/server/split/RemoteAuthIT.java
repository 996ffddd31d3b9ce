package io.ultrachat.server.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ultrachat.auth.api.UserSummary;
import io.ultrachat.auth.remote.AuthServiceClient;
import io.ultrachat.auth.remote.RemoteEdgeAuthenticator;
import io.ultrachat.auth.remote.RemoteUserDirectory;
import io.ultrachat.auth.session.SessionRevocations;
import io.ultrachat.kernel.error.Unauthenticated;
import io.ultrachat.kernel.http.EdgeAuthenticator;
import io.ultrachat.kernel.http.HttpMethod;
import io.ultrachat.kernel.http.Principal;
import io.ultrachat.kernel.http.Scopes;
import io.ultrachat.kernel.http.ServiceCredentials;
import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import io.ultrachat.testkit.MutableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A node that does not run the Auth service sees users and callers exactly as an Auth node does,
 * through {@link RemoteUserDirectory} and {@link RemoteEdgeAuthenticator} talking HTTP to a real
 * server that runs the Auth service.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteAuthIT {
  static final String SECRET = "split-test-secret-0123456789-abcdefghijklmnop";

  private TestServer server;
  private Api api;
  private String adminToken;

  @BeforeAll
  void start() {
    server = TestServer.on(TestServer.Backend.SQLITE).set("cluster.service-secret", SECRET).start();
    api = server.api();
    adminToken = api.register("root", "correct horse").path("accessToken").asText(); // the first person is an admin
  }

  @AfterAll
  void stop() {
    server.close();
  }

  // ---- the user directory ----

  @Test
  void usersRegisteredOnTheAuthServerAreFoundByIdAndByUsernameInAnyCase() {
    JsonNode alice = api.register("Alice.Remote", "correct horse").path("user");
    long id = Long.parseLong(alice.path("id").asText());
    RemoteUserDirectory directory = new RemoteUserDirectory(client(Clock.systemUTC()), MutableClock.startingNow(), Duration.ofSeconds(5));
    UserSummary local = server.server().auth().directory().findById(id).orElseThrow();

    assertThat(directory.findById(id)).contains(local);
    assertThat(directory.findByUsername("alice.remote")).contains(local);
    assertThat(directory.findByUsername("ALICE.REMOTE")).contains(local);
    assertThat(directory.findById(id + 1_000_000)).isEmpty();
    assertThat(directory.findByUsername("nobody-here")).isEmpty();
    assertThat(directory.findByUsername("not a/valid name")).isEmpty();
  }

  @Test
  void aDeactivatedUserDisappearsOnceTheCacheEntryExpires() {
    String owner = api.register("bot-owner", "correct horse").path("accessToken").asText();
    long botId = Long.parseLong(api.post("/api/v1/bots", Map.of("username", "doomed-bot"), owner).ok(201).json().path("id").asText());
    MutableClock clock = MutableClock.startingNow();
    RemoteUserDirectory directory = new RemoteUserDirectory(client(Clock.systemUTC()), clock, Duration.ofSeconds(5));
    assertThat(directory.findById(botId)).map(UserSummary::bot).contains(true);
    assertThat(directory.findByUsername("doomed-bot")).isPresent();

    api.delete("/api/v1/bots/" + botId, owner).ok(204); // deactivates the bot's account
    assertThat(directory.findById(botId)).as("still remembered within the TTL").isPresent();

    clock.advance(Duration.ofSeconds(6));
    assertThat(directory.findById(botId)).isEmpty();
    assertThat(directory.findByUsername("doomed-bot")).isEmpty();
  }

  // ---- access tokens ----

  @Test
  void anAccessTokenYieldsTheSamePrincipalAsOnTheAuthNode() {
    JsonNode bob = api.register("bob-remote", "correct horse");
    RemoteEdgeAuthenticator remote = authenticator(MutableClock.startingNow());
    for (String token : List.of(bob.path("accessToken").asText(), adminToken)) {
      Principal local = localAuthenticator().authenticate(token);
      assertThat(remote.authenticate(token)).isEqualTo(local);
      assertThat(remote.authenticate(token)).as("answered again from memory").isEqualTo(local);
    }
    Principal admin = remote.authenticate(adminToken);
    assertThat(admin.admin()).isTrue();
    assertThat(admin.sessionId()).isPresent();
    assertThat(admin.scopes()).isEqualTo(Scopes.ALL);
    assertThat(remote.authenticate(bob.path("accessToken").asText()).admin()).isFalse();
  }

  @Test
  void forgedConfusedExpiredAndWrongAudienceTokensAreRefused() throws Exception {
    String token = api.register("carol-remote", "correct horse").path("accessToken").asText();
    String kid = SignedJWT.parse(token).getHeader().getKeyID();
    JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
    MutableClock clock = MutableClock.startingNow();
    RemoteEdgeAuthenticator remote = authenticator(clock);

    RSAKey attacker = new RSAKeyGenerator(2048).keyID(kid).generate();
    SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(kid).build(), claims);
    forged.sign(new RSASSASigner(attacker));
    assertRefused(remote, forged.serialize(), "invalid-token");

    SignedJWT unknownKid = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("no-such-kid").build(), claims);
    unknownKid.sign(new RSASSASigner(attacker));
    assertRefused(remote, unknownKid.serialize(), "invalid-token");

    SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), claims);
    hmac.sign(new MACSigner(new byte[32]));
    assertRefused(remote, hmac.serialize(), "invalid-token");
    String[] parts = token.split("\\.");
    String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
        + "." + parts[1] + ".";
    assertRefused(remote, none, "invalid-token");
    assertRefused(remote, "garbage", "invalid-token");

    RemoteEdgeAuthenticator otherAudience = new RemoteEdgeAuthenticator(client(Clock.systemUTC()), new SessionRevocations(Duration.ofHours(2)),
        options("someone-else-api"), clock).start();
    assertRefused(otherAudience, token, "invalid-token");

    assertThat(remote.authenticate(token).username()).isEqualTo("carol-remote");
    clock.advance(Duration.ofHours(2));
    assertRefused(remote, token, "token-expired");
  }

  @Test
  void aSessionRevokedBeforeTheNodeStartedIsRefusedThroughTheWarmUp() {
    String ended = api.register("dave-remote", "correct horse").path("accessToken").asText();
    String live = api.login("dave-remote", "correct horse").path("accessToken").asText();
    api.post("/api/v1/auth/logout", null, ended).ok(204);

    SessionRevocations revocations = new SessionRevocations(Duration.ofHours(2));
    RemoteEdgeAuthenticator remote = new RemoteEdgeAuthenticator(client(Clock.systemUTC()), revocations,
        RemoteEdgeAuthenticator.Options.fromSettings(settings()), MutableClock.startingNow()).start();

    assertRefused(remote, ended, "session-revoked");
    assertThat(remote.authenticate(live).username()).isEqualTo("dave-remote");
    // Later revocations arrive however the wiring feeds the set (the bus in a cluster).
    revocations.add(localAuthenticator().authenticate(live).credentialId());
    assertRefused(remote, live, "session-revoked");
  }

  @Test
  void aSigningKeyRotationIsFollowedOnTheFirstTokenWithTheNewKid() throws Exception {
    String before = api.register("erin-remote", "correct horse").path("accessToken").asText();
    RemoteEdgeAuthenticator remote = authenticator(MutableClock.startingNow());
    assertThat(remote.authenticate(before).username()).isEqualTo("erin-remote");

    String newKid = api.post("/api/v1/admin/signing-keys/rotate", null, adminToken).ok(200).json().path("kid").asText();
    String after = api.login("erin-remote", "correct horse").path("accessToken").asText();
    assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isEqualTo(newKid);

    assertThat(remote.authenticate(after)).isEqualTo(localAuthenticator().authenticate(after));
    assertThat(remote.authenticate(before).username()).as("the old key verifies through its grace period").isEqualTo("erin-remote");
  }

  // ---- API tokens ----

  @Test
  void anApiTokenIntrospectsToItsScopesAndARevocationAppliesWithinTheCacheTtl() {
    String owner = api.register("frank-remote", "correct horse").path("accessToken").asText();
    JsonNode created = api.post("/api/v1/auth/tokens", Map.of("name", "ci", "scopes", List.of("chat:read", "users:read")), owner)
        .ok(201).json();
    String secret = created.path("token").asText();
    MutableClock clock = MutableClock.startingNow();
    RemoteEdgeAuthenticator remote = authenticator(clock);

    Principal p = remote.authenticate(secret);
    assertThat(p).isEqualTo(localAuthenticator().authenticate(secret));
    assertThat(p.credential()).isEqualTo(Principal.Credential.API_TOKEN);
    assertThat(p.credentialId()).isEqualTo(Long.parseLong(created.path("id").asText()));
    assertThat(p.scopes()).containsExactlyInAnyOrder(Scopes.CHAT_READ, Scopes.USERS_READ);
    assertThat(p.admin()).isFalse();
    assertRefused(remote, "uct_" + "x".repeat(43), "invalid-token");

    api.delete("/api/v1/auth/tokens/" + created.path("id").asText(), owner).ok(204);
    assertThat(remote.authenticate(secret).userId()).as("remembered within the cache TTL").isEqualTo(p.userId());
    clock.advance(Duration.ofSeconds(31));
    assertRefused(remote, secret, "invalid-token");
  }

  // ---- the internal routes themselves ----

  @Test
  void internalRoutesRefuseCallersWithoutAValidServiceCredentialAndChangeNothing() {
    String owner = api.register("grace-remote", "correct horse").path("accessToken").asText();
    long userId = Long.parseLong(api.get("/api/v1/users/me", owner).ok(200).json().path("id").asText());
    JsonNode created = api.post("/api/v1/auth/tokens", Map.of("name", "untouched", "scopes", List.of("chat:read")), owner).ok(201).json();
    String userPath = "/internal/v1/users/" + userId;
    String introspect = "/internal/v1/tokens/introspect";
    String body = "{\"token\":\"" + created.path("token").asText() + "\"}";
    ServiceCredentials right = credentials(SECRET, Clock.systemUTC());
    ServiceCredentials wrong = credentials(SECRET.replace('s', 'z'), Clock.systemUTC());
    ServiceCredentials late = credentials(SECRET, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-90)));
    ServiceCredentials early = credentials(SECRET, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(90)));

    InternalCalls calls = new InternalCalls(server.baseUrl());
    calls.send("GET", userPath, Optional.empty(), null).problem(401, "missing-service-credential");
    calls.send("GET", userPath, Optional.of("Bearer " + adminToken), null).problem(401, "invalid-service-credential");
    calls.send("GET", userPath, Optional.of(wrong.authorization("chat", HttpMethod.GET, userPath)), null)
        .problem(401, "invalid-service-credential");
    calls.send("GET", userPath, Optional.of(late.authorization("chat", HttpMethod.GET, userPath)), null)
        .problem(401, "service-credential-expired");
    calls.send("GET", userPath, Optional.of(early.authorization("chat", HttpMethod.GET, userPath)), null)
        .problem(401, "service-credential-expired");
    calls.send("GET", userPath, Optional.of(right.authorization("chat", HttpMethod.GET, "/internal/v1/users/1")), null)
        .problem(401, "invalid-service-credential");
    calls.send("GET", userPath, Optional.of(right.authorization("chat", HttpMethod.POST, userPath)), null)
        .problem(401, "invalid-service-credential");
    for (Optional<String> bad : List.of(Optional.<String>empty(),
        Optional.of(wrong.authorization("chat", HttpMethod.POST, introspect)),
        Optional.of(right.authorization("chat", HttpMethod.POST, userPath)))) {
      assertThat(calls.send("POST", introspect, bad, body).status()).isEqualTo(401);
    }
    assertThat(lastUsed(owner)).as("a refused introspection does not touch the token").isEmpty();

    calls.send("GET", userPath, Optional.of(right.authorization("chat", HttpMethod.GET, userPath)), null).ok(200);
    calls.send("POST", introspect, Optional.of(right.authorization("chat", HttpMethod.POST, introspect)), body).ok(200);
    assertThat(lastUsed(owner)).as("an accepted one does, as any use").isPresent();
    calls.send("GET", "/internal/v1/revocations",
        Optional.of(right.authorization("chat", HttpMethod.GET, "/internal/v1/revocations")), null)
        .problem(400, "invalid-input");
  }

  private Optional<String> lastUsed(String owner) {
    JsonNode token = api.get("/api/v1/auth/tokens", owner).ok(200).json().path("tokens").get(0);
    return token.hasNonNull("lastUsedAt") ? Optional.of(token.path("lastUsedAt").asText()) : Optional.empty();
  }

  // ---- helpers ----

  private static void assertRefused(EdgeAuthenticator authenticator, String token, String code) {
    assertThatThrownBy(() -> authenticator.authenticate(token)).isInstanceOfSatisfying(Unauthenticated.class,
        e -> assertThat(e.code()).isEqualTo(code));
  }

  private EdgeAuthenticator localAuthenticator() {
    return server.server().auth().authenticator();
  }

  private AuthServiceClient client(Clock signingClock) {
    return new AuthServiceClient(() -> URI.create(server.baseUrl()), credentials(SECRET, signingClock), "chat", Duration.ofSeconds(5));
  }

  static ServiceCredentials credentials(String secret, Clock clock) {
    return new ServiceCredentials(secret.getBytes(StandardCharsets.UTF_8), clock, Duration.ofSeconds(60));
  }

  private RemoteEdgeAuthenticator authenticator(Clock clock) {
    return new RemoteEdgeAuthenticator(client(Clock.systemUTC()), new SessionRevocations(Duration.ofHours(2)), options("ultrachat-api"), clock)
        .start();
  }

  private static RemoteEdgeAuthenticator.Options options(String audience) {
    RemoteEdgeAuthenticator.Options d = RemoteEdgeAuthenticator.Options.fromSettings(settings());
    return new RemoteEdgeAuthenticator.Options(d.issuer(), audience, d.skew(), d.revocationLookBack(), d.jwksRefresh(),
        d.unknownKidInterval(), d.apiTokenCacheTtl(), d.timeout());
  }

  private static io.ultrachat.kernel.config.Settings settings() {
    return io.ultrachat.kernel.config.Settings.builder(io.ultrachat.server.Catalog.all()).build().validate();
  }
}
