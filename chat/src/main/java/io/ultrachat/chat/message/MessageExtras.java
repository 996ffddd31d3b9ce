package io.ultrachat.chat.message;

import java.util.List;
import java.util.Map;

/**
 * What a message shows besides its stored fields, as one caller sees it: reactions (ordered by
 * first use), whom it mentions and whether it is pinned. Read per request, never cached with
 * the message (see {@link CachedMessageStore}).
 */
public record MessageExtras(List<Reaction> reactions, Mentions mentions, boolean pinned) {
  public static final MessageExtras NONE = new MessageExtras(List.of(), Mentions.NONE, false);

  public MessageExtras {
    reactions = List.copyOf(reactions);
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
