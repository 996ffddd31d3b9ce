package io.ultrachat.chat.message;

import java.time.Instant;
import java.util.List;

/**
 * What a thread root shows about its replies: how many, when the last came, and who wrote them
 * (user ids in order of their first reply, at most {@link #PARTICIPANTS_MAX}).
 */
public record ThreadSummary(long replyCount, Instant lastReplyAt, List<Long> participants) {
  public static final int PARTICIPANTS_MAX = 50;

  public ThreadSummary {
    participants = List.copyOf(participants);
  }
}
