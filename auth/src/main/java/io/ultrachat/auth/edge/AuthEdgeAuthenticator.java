package io.ultrachat.auth.edge;

import io.ultrachat.kernel.secret.OpaqueTokens;
import io.ultrachat.auth.account.User;
import io.ultrachat.auth.account.UserStore;
import io.ultrachat.auth.apitoken.ApiTokenCache;
import io.ultrachat.auth.apitoken.ApiTokenService;
import io.ultrachat.auth.apitoken.ApiTokenStore;
import io.ultrachat.auth.session.SessionService;
import io.ultrachat.auth.token.AccessTokens;
import io.ultrachat.auth.token.RememberedAccessTokens;
import io.ultrachat.kernel.error.Unauthenticated;
import io.ultrachat.kernel.http.EdgeAuthenticator;
import io.ultrachat.kernel.http.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The Auth service's answer to "who is calling?", used by the gateway on every request.
 *
 * <p>JWTs are verified once and remembered ({@link RememberedAccessTokens}); expiry and session
 * revocation are still checked on every request. API tokens are looked up by hash through
 * {@link ApiTokenCache}; their last-use time is written at most once a minute.
 */
public final class AuthEdgeAuthenticator implements EdgeAuthenticator {
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

  private final RememberedAccessTokens accessTokens;
  private final SessionService sessions;
  private final ApiTokenStore apiTokens;
  private final UserStore users;
  private final ApiTokenCache apiTokenCache;
  private final Clock clock;

  public AuthEdgeAuthenticator(AccessTokens accessTokens, SessionService sessions, ApiTokenStore apiTokens, UserStore users,
      ApiTokenCache apiTokenCache, Clock clock) {
    this.accessTokens = new RememberedAccessTokens(accessTokens::verify, clock);
    this.sessions = sessions;
    this.apiTokens = apiTokens;
    this.users = users;
    this.apiTokenCache = apiTokenCache;
    this.clock = clock;
  }

  @Override
  public Principal authenticate(String bearer) {
    RememberedAccessTokens.checkBearerLength(bearer);
    return bearer.startsWith(ApiTokenService.PREFIX) ? apiToken(bearer) : accessToken(bearer);
  }

  private Principal accessToken(String jwt) {
    var claims = accessTokens.verify(jwt);
    if (sessions.isRevoked(claims.sessionId())) {
      throw new Unauthenticated("session-revoked", "the session has been ended; sign in again");
    }
    return claims.principal();
  }

  private Principal apiToken(String secret) {
    String hash = OpaqueTokens.hash(secret);
    Optional<ApiTokenCache.Resolved> resolved = apiTokenCache.get(hash, h -> apiTokens.findByHash(h)
        .flatMap(t -> users.findById(t.userId()).map(u -> new ApiTokenCache.Resolved(t, u))));
    Instant now = clock.instant();
    ApiTokenCache.Resolved r = resolved
        .filter(x -> x.token().usableAt(now) && x.holder().active())
        .orElseThrow(() -> new Unauthenticated("invalid-token", "the API token is not valid, expired or revoked"));
    if (r.token().lastUsedAt().map(t -> t.plus(TOUCH_EVERY).isBefore(now)).orElse(true)) {
      apiTokens.touch(r.token().id(), now);
      apiTokenCache.invalidate(hash);
    }
    User holder = r.holder();
    return new Principal(holder.id(), holder.username(), holder.isBot() ? Principal.Kind.BOT : Principal.Kind.PERSON,
        false, Principal.Credential.API_TOKEN, r.token().id(), r.token().scopes());
  }
}
