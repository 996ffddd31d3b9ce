package io.ultrachat.auth.api;

import java.time.Instant;

/** What other services may know of a user. */
public record UserSummary(long id, String username, String displayName, boolean bot, Instant createdAt) {}
