package io.ultrachat.auth.token;

import io.ultrachat.kernel.http.Principal;
import io.ultrachat.kernel.http.Scopes;
import java.time.Instant;

/** What a verified access token says. */
public record AccessTokenClaims(long userId, String username, boolean admin, long sessionId, Instant expiresAt) {
  /**
   * The caller these claims stand for: a person on a login session, with every scope. The one
   * mapping, whether the token was checked on an Auth node or against the JWKS elsewhere.
   */
  public Principal principal() {
    return new Principal(userId, username, Principal.Kind.PERSON, admin, Principal.Credential.LOGIN_SESSION, sessionId, Scopes.ALL);
  }
}
