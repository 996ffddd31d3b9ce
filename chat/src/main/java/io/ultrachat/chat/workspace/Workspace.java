package io.ultrachat.chat.workspace;

import java.time.Instant;

/** A team's space: its members and conversations. */
public record Workspace(long id, String name, long createdBy, Instant createdAt) {}
