package io.ultrachat.chat.workspace;

import java.time.Instant;

public record WorkspaceMember(long workspaceId, long userId, Role role, Instant joinedAt) {}
