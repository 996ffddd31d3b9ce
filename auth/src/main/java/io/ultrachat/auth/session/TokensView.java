package io.ultrachat.auth.session;

import io.ultrachat.auth.account.UserView;
import java.time.Instant;

/** The body of a successful sign-in, registration or refresh. */
public record TokensView(
    String accessToken, String refreshToken, long expiresIn, String tokenType, String sessionId, Instant sessionExpiresAt, UserView user) {

  public static TokensView of(IssuedTokens t) {
    return new TokensView(t.accessToken(), t.refreshToken(), t.expiresIn(), t.tokenType(), Long.toString(t.sessionId()),
        t.sessionExpiresAt(), UserView.of(t.user()));
  }
}
