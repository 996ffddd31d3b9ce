package io.ultrachat.auth.session;

/** A refresh token as the store knows it: the session it belongs to and whether it was rotated away. */
public record RefreshTokenState(Session session, boolean rotated) {}
