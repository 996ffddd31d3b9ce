package io.ultrachat.kernel.http;

import java.util.Optional;
import java.util.Set;

/**
 * The authenticated caller of a request, as established at the edge.
 *
 * @param userId the acting user (a person or a bot)
 * @param username the acting user's name
 * @param kind a person or a bot
 * @param admin whether the user holds the server-wide admin role
 * @param credential how the caller proved who they are
 * @param credentialId the login session id or API token id behind the request
 * @param scopes for API tokens, the granted scopes; for login sessions, {@link Scopes#ALL}
 */
public record Principal(
    long userId, String username, Kind kind, boolean admin, Credential credential, long credentialId, Set<String> scopes) {

  public enum Kind { PERSON, BOT }

  public enum Credential { LOGIN_SESSION, API_TOKEN }

  public Principal {
    scopes = Set.copyOf(scopes);
  }

  public boolean hasScope(String scope) {
    return scopes.contains(scope);
  }

  public boolean isLoginSession() {
    return credential == Credential.LOGIN_SESSION;
  }

  /** The login session behind this request, if it came from one. */
  public Optional<Long> sessionId() {
    return isLoginSession() ? Optional.of(credentialId) : Optional.empty();
  }
}
