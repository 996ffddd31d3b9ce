package io.ultrachat.auth.internal;

import io.ultrachat.auth.api.UserDirectory;
import io.ultrachat.auth.apitoken.ApiTokenService;
import io.ultrachat.auth.session.SessionService;
import io.ultrachat.kernel.error.InvalidInput;
import io.ultrachat.kernel.error.NotFound;
import io.ultrachat.kernel.error.Unauthenticated;
import io.ultrachat.kernel.http.Access;
import io.ultrachat.kernel.http.ApiResponse;
import io.ultrachat.kernel.http.EdgeAuthenticator;
import io.ultrachat.kernel.http.Endpoint;
import io.ultrachat.kernel.http.HttpMethod;
import io.ultrachat.kernel.http.ServiceEndpoints;
import io.ultrachat.kernel.id.Ids;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The Auth service's internal routes ({@link InternalApi}), for the other services of a split
 * deployment. Every route is {@link Access#service()}: the gateway lets only a valid service
 * credential through, and such calls count against no user's budget. Handlers answer from the
 * same services the public routes use, so a remote node sees exactly what a local call would.
 */
public final class InternalRoutes implements ServiceEndpoints {
  private final UserDirectory users;
  private final EdgeAuthenticator authenticator;
  private final SessionService sessions;
  private final Clock clock;
  private final Duration revocationMemory;

  /**
   * @param authenticator the Auth service's own edge check; introspection is exactly its answer
   *     for an API token, last-use tracking included
   * @param revocationMemory how long a revocation can matter (the longest access-token life plus
   *     skew); a {@code since} further back is answered from this far back only
   */
  public InternalRoutes(UserDirectory users, EdgeAuthenticator authenticator, SessionService sessions, Clock clock,
      Duration revocationMemory) {
    this.users = users;
    this.authenticator = authenticator;
    this.sessions = sessions;
    this.clock = clock;
    this.revocationMemory = revocationMemory;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of(HttpMethod.GET, InternalApi.USER_BY_ID, Access.service(),
            r -> ApiResponse.ok(users.findById(Ids.parsePathId(r.pathParam("userId"), "user"))
                .orElseThrow(InternalRoutes::noSuchUser))),
        Endpoint.of(HttpMethod.GET, InternalApi.USER_BY_USERNAME, Access.service(),
            r -> ApiResponse.ok(users.findByUsername(r.pathParam("username")).orElseThrow(InternalRoutes::noSuchUser))),
        Endpoint.of(HttpMethod.POST, InternalApi.INTROSPECT, Access.service(), r -> {
          String token = r.body(InternalApi.IntrospectionRequest.class).token();
          // Only API tokens: access tokens are verified by the caller itself against the JWKS.
          if (token == null || !token.startsWith(ApiTokenService.PREFIX)) {
            throw new Unauthenticated("invalid-token", "only API tokens (" + ApiTokenService.PREFIX + "…) are introspected");
          }
          return ApiResponse.ok(InternalApi.IntrospectedToken.of(authenticator.authenticate(token)));
        }),
        Endpoint.of(HttpMethod.GET, InternalApi.REVOCATIONS, Access.service(), r -> {
          Instant asked = r.query("since").map(InternalRoutes::instant)
              .orElseThrow(() -> InvalidInput.field("since", "is required: an ISO-8601 instant such as 2025-01-31T12:00:00Z"));
          Instant now = clock.instant();
          Instant oldest = now.minus(revocationMemory);
          Instant since = asked.isBefore(oldest) ? oldest : asked;
          return ApiResponse.ok(new InternalApi.Revocations(sessions.revokedSince(since), since, now));
        }));
  }

  private static Instant instant(String raw) {
    try {
      return Instant.parse(raw);
    } catch (DateTimeParseException e) {
      throw InvalidInput.field("since", "must be an ISO-8601 instant such as 2025-01-31T12:00:00Z");
    }
  }

  private static NotFound noSuchUser() {
    return new NotFound("user-not-found", "no such active user");
  }
}
