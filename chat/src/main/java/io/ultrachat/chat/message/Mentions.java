package io.ultrachat.chat.message;

import java.util.List;
import java.util.Set;

/**
 * Whom a message mentions: conversation members by user id (ascending), and whether it
 * mentions everyone ({@code @channel} or {@code @here}).
 */
public record Mentions(List<Long> userIds, boolean channel) {
  public static final Mentions NONE = new Mentions(List.of(), false);

  public Mentions {
    userIds = userIds.stream().distinct().sorted().toList();
  }

  public static Mentions of(Set<Long> userIds, boolean channel) {
    return new Mentions(List.copyOf(userIds), channel);
  }
}
