package io.ultrachat.chat.conversation;

import java.time.Instant;

/** A member of a conversation and how far they have read. */
public record ConversationMember(long conversationId, long userId, Instant joinedAt, long lastReadSeq) {}
