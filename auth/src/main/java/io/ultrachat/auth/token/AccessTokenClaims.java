package io.ultrachat.auth.token;

import java.time.Instant;

/** What a verified access token says. */
public record AccessTokenClaims(long userId, String username, boolean admin, long sessionId, Instant expiresAt) {}
