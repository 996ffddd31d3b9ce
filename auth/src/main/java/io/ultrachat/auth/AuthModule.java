package io.ultrachat.auth;

import io.ultrachat.kernel.bus.Bus;
import io.ultrachat.auth.account.AccountRoutes;
import io.ultrachat.auth.account.AccountService;
import io.ultrachat.auth.account.JdbcUserStore;
import io.ultrachat.auth.account.UserStore;
import io.ultrachat.auth.api.UserDirectory;
import io.ultrachat.auth.apitoken.ApiTokenCache;
import io.ultrachat.auth.apitoken.ApiTokenRoutes;
import io.ultrachat.auth.apitoken.ApiTokenService;
import io.ultrachat.auth.apitoken.JdbcApiTokenStore;
import io.ultrachat.auth.bot.BotRoutes;
import io.ultrachat.auth.bot.BotService;
import io.ultrachat.auth.edge.AuthEdgeAuthenticator;
import io.ultrachat.auth.internal.InternalRoutes;
import io.ultrachat.auth.password.PasswordHasher;
import io.ultrachat.auth.session.JdbcSessionStore;
import io.ultrachat.auth.session.LoginThrottle;
import io.ultrachat.auth.session.SessionRevocations;
import io.ultrachat.auth.session.SessionRoutes;
import io.ultrachat.auth.session.SessionService;
import io.ultrachat.auth.token.AccessTokens;
import io.ultrachat.auth.token.JdbcSigningKeyStore;
import io.ultrachat.auth.token.KeyRoutes;
import io.ultrachat.auth.token.SigningKeyRing;
import io.ultrachat.kernel.config.Settings;
import io.ultrachat.kernel.http.EdgeAuthenticator;
import io.ultrachat.kernel.http.Endpoint;
import io.ultrachat.kernel.http.ServiceEndpoints;
import io.ultrachat.kernel.id.IdGenerator;
import io.ultrachat.kernel.kv.InMemoryKeyValue;
import io.ultrachat.kernel.kv.KeyValue;
import io.ultrachat.store.jdbc.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The Auth service assembled: its stores on the given database, its services and its REST
 * endpoints. The server builds one of these; other services see only {@link #directory()}
 * and the gateway only {@link #authenticator()} and {@link #endpoints()}. The endpoints include
 * the internal routes ({@code /internal/v1/…}, {@link io.ultrachat.auth.internal.InternalApi})
 * through which nodes that do not run this service reach it ({@code auth/remote}); they answer
 * only callers with a service credential.
 */
public final class AuthModule {
  private final AccountService accounts;
  private final SessionService sessions;
  private final SigningKeyRing keyRing;
  private final AuthEdgeAuthenticator authenticator;
  private final List<ServiceEndpoints> routes;

  /** For commands that run without a bus (admin, migrate): revocations and login backoff stay in this process. */
  public AuthModule(Settings settings, Database db, Clock clock, IdGenerator ids) {
    this(settings, db, clock, ids, Optional.empty(), new InMemoryKeyValue(clock));
  }

  /**
   * With the node's bus and key-value store: revocations reach every node at once, and login
   * backoff counts an account's failures on every node together.
   */
  public AuthModule(Settings settings, Database db, Clock clock, IdGenerator ids, Optional<Bus> bus, KeyValue keyValue) {
    db.migrate("auth");
    UserStore users = new JdbcUserStore(db);
    JdbcSessionStore sessionStore = new JdbcSessionStore(db);
    JdbcApiTokenStore apiTokenStore = new JdbcApiTokenStore(db);

    Duration accessTtl = settings.get(AuthSettings.ACCESS_TOKEN_TTL);
    Duration grace = settings.get(AuthSettings.SIGNING_KEY_GRACE);
    if (grace.compareTo(accessTtl) <= 0) {
      throw new IllegalArgumentException("invalid setting auth.signing-key-grace: must be longer than auth.access-token-ttl ("
          + accessTtl + ") so tokens signed before a rotation keep verifying until they expire");
    }
    Duration skew = settings.get(AuthSettings.CLOCK_SKEW);
    this.keyRing = new SigningKeyRing(new JdbcSigningKeyStore(db), clock, grace, settings.get(AuthSettings.SIGNING_KEY_REFRESH),
        settings.get(AuthSettings.SIGNING_KEY_BITS)).start();
    AccessTokens accessTokens = new AccessTokens(keyRing, clock, settings.get(AuthSettings.ISSUER),
        settings.get(AuthSettings.AUDIENCE), accessTtl, skew);

    PasswordHasher hasher = new PasswordHasher(settings.get(AuthSettings.ARGON2_MEMORY_KIB),
        settings.get(AuthSettings.ARGON2_ITERATIONS), settings.get(AuthSettings.ARGON2_PARALLELISM),
        settings.get(AuthSettings.ARGON2_MAX_CONCURRENT));
    this.accounts = new AccountService(users, hasher, ids, clock, settings.get(AuthSettings.PASSWORD_MIN_LENGTH),
        settings.get(AuthSettings.FIRST_USER_ADMIN));
    Duration revocationMemory = AuthSettings.revocationMemory(settings);
    this.sessions = new SessionService(users, sessionStore, accounts, hasher, accessTokens,
        new LoginThrottle(keyValue, clock, settings.get(AuthSettings.LOGIN_FAILURES_BEFORE_BACKOFF), settings.get(AuthSettings.LOGIN_BACKOFF_MAX)),
        revocations(revocationMemory, bus), ids, clock, settings.get(AuthSettings.SESSION_MAX_AGE),
        settings.get(AuthSettings.SESSION_RENEW_BEFORE), settings.get(AuthSettings.MAX_SESSIONS));
    sessions.warmRevocations(revocationMemory);

    ApiTokenCache apiTokenCache = new ApiTokenCache(Duration.ofSeconds(30));
    ApiTokenService apiTokens = new ApiTokenService(apiTokenStore, users, ids, clock, settings.get(AuthSettings.MAX_API_TOKENS), apiTokenCache);
    BotService bots = new BotService(users, apiTokens, ids, clock, settings.get(AuthSettings.MAX_BOTS));
    this.authenticator = new AuthEdgeAuthenticator(accessTokens, sessions, apiTokenStore, users, apiTokenCache, clock);

    this.routes = List.of(
        new AccountRoutes(accounts, sessions, settings.get(AuthSettings.REGISTRATION_OPEN)),
        new SessionRoutes(sessions),
        new ApiTokenRoutes(apiTokens),
        new BotRoutes(bots, apiTokens),
        new KeyRoutes(keyRing),
        new InternalRoutes(accounts, authenticator, sessions, clock, revocationMemory));
  }

  private static SessionRevocations revocations(Duration remember, Optional<Bus> bus) {
    SessionRevocations revocations = new SessionRevocations(remember);
    bus.ifPresent(revocations::shareOver);
    return revocations;
  }

  public List<Endpoint> endpoints() {
    return routes.stream().flatMap(r -> r.endpoints().stream()).toList();
  }

  public EdgeAuthenticator authenticator() {
    return authenticator;
  }

  public UserDirectory directory() {
    return accounts;
  }

  public AccountService accounts() {
    return accounts;
  }

  public SessionService sessions() {
    return sessions;
  }

  public SigningKeyRing keyRing() {
    return keyRing;
  }

}
