package io.ultrachat.auth.session;

import io.ultrachat.auth.account.User;
import java.time.Instant;

/** The credentials a sign-in or refresh hands out. */
public record IssuedTokens(
    String accessToken, String refreshToken, long expiresIn, String tokenType, long sessionId, Instant sessionExpiresAt, User user) {}
