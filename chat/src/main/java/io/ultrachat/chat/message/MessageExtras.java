package io.ultrachat.chat.message;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a message shows besides its stored fields, as one caller sees it: reactions (ordered by
 * first use), whom it mentions, whether it is pinned and, on thread roots, the thread's summary.
 * Read per request, never cached with the message (see {@link CachedMessageStore}).
 */
public record MessageExtras(List<Reaction> reactions, Mentions mentions, boolean pinned, Optional<ThreadSummary> thread) {
  public static final MessageExtras NONE = new MessageExtras(List.of(), Mentions.NONE, false);

  public MessageExtras {
    reactions = List.copyOf(reactions);
  }

  public MessageExtras(List<Reaction> reactions, Mentions mentions, boolean pinned) {
    this(reactions, mentions, pinned, Optional.empty());
  }

  /** One emoji on a message: how many people used it and whether the caller is one of them. */
  public record Reaction(String emoji, long count, boolean me) {}

  /** Extras of several messages, by message id; messages without any are absent. */
  public record Batch(Map<Long, MessageExtras> byMessage) {
    public MessageExtras of(long messageId) {
      return byMessage.getOrDefault(messageId, NONE);
    }
  }
}
