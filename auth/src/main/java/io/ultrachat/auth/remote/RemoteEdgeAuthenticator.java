package io.ultrachat.auth.remote;

import io.ultrachat.auth.AuthSettings;
import io.ultrachat.auth.apitoken.ApiTokenService;
import io.ultrachat.auth.internal.InternalApi;
import io.ultrachat.auth.session.SessionRevocations;
import io.ultrachat.auth.token.AccessTokenVerifier;
import io.ultrachat.auth.token.RememberedAccessTokens;
import io.ultrachat.kernel.config.Settings;
import io.ultrachat.kernel.error.Unauthenticated;
import io.ultrachat.kernel.error.Unavailable;
import io.ultrachat.kernel.http.EdgeAuthenticator;
import io.ultrachat.kernel.http.Principal;
import io.ultrachat.kernel.secret.OpaqueTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Who is calling?" on a node that does not run the Auth service, answered the way
 * {@link io.ultrachat.auth.edge.AuthEdgeAuthenticator} answers it there, yielding the same
 * {@link Principal}.
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>Access tokens</b> are verified here, by the same {@link AccessTokenVerifier} rule
 *       (RS256 pinned, issuer, audience, times with skew), against the JWKS fetched from the
 *       Auth service ({@link RemoteJwks}: refreshed periodically, and on an unknown {@code kid}
 *       at most once per interval). A verified token is remembered by its text until it expires
 *       ({@link RememberedAccessTokens}), so repeat requests cost a hash probe and no I/O.
 *   <li><b>Session revocation</b> is checked on every request against a {@link SessionRevocations}
 *       set that this class only reads. {@link #start()} fills it from the Auth service
 *       ({@link InternalApi#REVOCATIONS}); later revocations reach it however the wiring feeds
 *       the set (over the bus in a cluster), which this class does not need to know.
 *   <li><b>API tokens</b> ({@code uct_…}) are introspected by the Auth service
 *       ({@link InternalApi#INTROSPECT}) and the answer, a refusal included, is remembered for
 *       {@code api-token-cache-ttl} (30 s): a revocation there applies here within that time. Only
 *       the token's hash is kept as key.
 * </ul>
 *
 * <p>Threads. Callers are on virtual threads (the gateway's dispatch, the realtime edge's
 * executors); the only blocking paths are an introspection miss and an unknown {@code kid}. If
 * the Auth service is needed and unreachable, {@link Unavailable} (503, retryable) is thrown
 * rather than a refusal, so clients do not throw away good credentials. Thread-safe.
 */
public final class RemoteEdgeAuthenticator implements EdgeAuthenticator {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteEdgeAuthenticator.class);

  /**
   * Tunables, from {@link RemoteAuthSettings} and {@link AuthSettings} by {@link #fromSettings}.
   *
   * @param issuer expected {@code iss} ({@code auth.issuer})
   * @param audience expected {@code aud} ({@code auth.audience})
   * @param skew tolerance on token times ({@code auth.clock-skew})
   * @param revocationLookBack how far back the start-up warm-up asks for revocations: one token
   *     lifetime plus skew ({@link AuthSettings#revocationMemory})
   * @param jwksRefresh how often the JWKS is refetched
   * @param unknownKidInterval shortest time between JWKS fetches caused by unknown key ids
   * @param apiTokenCacheTtl how long an introspection answer is remembered
   * @param timeout how long a caller waits for a JWKS fetch it needs
   */
  public record Options(String issuer, String audience, Duration skew, Duration revocationLookBack, Duration jwksRefresh,
      Duration unknownKidInterval, Duration apiTokenCacheTtl, Duration timeout) {
    public static Options fromSettings(Settings settings) {
      return new Options(settings.get(AuthSettings.ISSUER), settings.get(AuthSettings.AUDIENCE), settings.get(AuthSettings.CLOCK_SKEW),
          AuthSettings.revocationMemory(settings), settings.get(RemoteAuthSettings.JWKS_REFRESH),
          settings.get(RemoteAuthSettings.UNKNOWN_KID_INTERVAL), settings.get(RemoteAuthSettings.API_TOKEN_CACHE_TTL),
          settings.get(RemoteAuthSettings.TIMEOUT));
    }
  }

  private final AuthServiceClient client;
  private final SessionRevocations revocations;
  private final Options options;
  private final Clock clock;
  private final RemoteJwks jwks;
  private final RemoteAnswers<String, Optional<Principal>> apiTokens;
  private final RememberedAccessTokens accessTokens;

  /**
   * Call {@link #start()} before use.
   *
   * @param revocations the set of revoked sessions this node checks; {@link #start()} warms it,
   *     and the wiring keeps it current (e.g. from the bus)
   */
  public RemoteEdgeAuthenticator(AuthServiceClient client, SessionRevocations revocations, Options options, Clock clock) {
    this.client = client;
    this.revocations = revocations;
    this.options = options;
    this.clock = clock;
    this.jwks = new RemoteJwks(client, clock, options.jwksRefresh(), options.unknownKidInterval(), options.timeout().multipliedBy(3));
    AccessTokenVerifier verifier = new AccessTokenVerifier(jwks, clock, options.issuer(), options.audience(), options.skew());
    this.accessTokens = new RememberedAccessTokens(verifier::verify, clock);
    this.apiTokens = new RemoteAnswers<>(clock, options.apiTokenCacheTtl(), 100_000);
  }

  /**
   * Fetches the signing keys and warms the revocation set with the sessions revoked within one
   * token lifetime, so a token of a session revoked before this node started is refused.
   *
   * @return this
   * @throws Unavailable if the Auth service cannot be reached: a node that cannot tell revoked
   *     sessions from live ones must not start serving
   */
  public RemoteEdgeAuthenticator start() {
    jwks.load();
    int warmed = warmRevocations(options.revocationLookBack());
    LOG.info("remote authentication ready: signing keys fetched, {} recently revoked sessions loaded", warmed);
    return this;
  }

  /**
   * Adds the sessions the Auth service revoked within {@code lookBack} to the revocation set.
   *
   * @return how many were added
   * @throws Unavailable if the Auth service cannot be reached
   */
  public int warmRevocations(Duration lookBack) {
    Instant since = clock.instant().minus(lookBack);
    InternalApi.Revocations answer = client.get(InternalApi.REVOCATIONS + "?since=" + since, InternalApi.Revocations.class)
        .orElseThrow(() -> new Unavailable("the authentication service does not list revocations; retry shortly"));
    answer.sessionIds().forEach(revocations::remember);
    return answer.sessionIds().size();
  }

  @Override
  public Principal authenticate(String bearer) {
    RememberedAccessTokens.checkBearerLength(bearer);
    return bearer.startsWith(ApiTokenService.PREFIX) ? apiToken(bearer) : accessToken(bearer);
  }

  private Principal accessToken(String jwt) {
    var claims = accessTokens.verify(jwt);
    if (revocations.contains(claims.sessionId())) {
      throw new Unauthenticated("session-revoked", "the session has been ended; sign in again");
    }
    return claims.principal();
  }

  private Principal apiToken(String secret) {
    return apiTokens.get(OpaqueTokens.hash(secret), hash -> client.post(InternalApi.INTROSPECT,
            new InternalApi.IntrospectionRequest(secret), InternalApi.IntrospectedToken.class)
            .map(InternalApi.IntrospectedToken::toPrincipal))
        .orElseThrow(() -> new Unauthenticated("invalid-token", "the API token is not valid, expired or revoked"));
  }
}
