package io.ultrachat.auth.internal;

import io.ultrachat.kernel.http.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The Auth service's internal HTTP interface: the routes other services of a split deployment
 * call ({@code docs/internal-api.md}) and the bodies they exchange. Both sides, the routes
 * ({@link InternalRoutes}) and the clients ({@code auth/remote}), use these types, so the wire
 * format has one definition. Internal routes are not part of the public API or its OpenAPI
 * document; every one needs a service credential ({@link io.ultrachat.kernel.http.ServiceCredentials}).
 */
public final class InternalApi {
  public static final String PREFIX = "/internal/v1";
  /** {@code GET}: a {@link io.ultrachat.auth.api.UserSummary} of an active user, or 404. */
  public static final String USER_BY_ID = PREFIX + "/users/{userId}";
  /** {@code GET}: a {@link io.ultrachat.auth.api.UserSummary} by username (any case), or 404. */
  public static final String USER_BY_USERNAME = PREFIX + "/users/by-username/{username}";
  /** {@code POST} an {@link IntrospectionRequest}: an {@link IntrospectedToken}, or 401 if the token is not valid. */
  public static final String INTROSPECT = PREFIX + "/tokens/introspect";
  /** {@code GET ?since=<ISO instant>}: {@link Revocations}. */
  public static final String REVOCATIONS = PREFIX + "/revocations";

  private InternalApi() {}

  /** The body of an introspection: an API token secret, {@code uct_…}. */
  public record IntrospectionRequest(String token) {}

  /** Who an API token stands for: the fields of a {@link Principal}. */
  public record IntrospectedToken(long userId, String username, Principal.Kind kind, boolean admin,
      Principal.Credential credential, long credentialId, List<String> scopes) {
    public IntrospectedToken {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(credential, "credential");
      scopes = List.copyOf(scopes);
    }

    public static IntrospectedToken of(Principal p) {
      return new IntrospectedToken(p.userId(), p.username(), p.kind(), p.admin(), p.credential(), p.credentialId(),
          p.scopes().stream().sorted().toList());
    }

    public Principal toPrincipal() {
      return new Principal(userId, username, kind, admin, credential, credentialId, java.util.Set.copyOf(scopes));
    }
  }

  /**
   * Sessions revoked at or after {@code since}.
   *
   * @param since the start of the window actually answered: the one asked for, or later if that
   *     lies further back than any access token lives (older revocations cannot matter)
   * @param asOf the Auth service's clock when it answered
   */
  public record Revocations(List<Long> sessionIds, Instant since, Instant asOf) {
    public Revocations {
      sessionIds = List.copyOf(sessionIds);
    }
  }
}
