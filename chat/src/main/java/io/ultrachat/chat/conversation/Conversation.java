package io.ultrachat.chat.conversation;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A conversation of a workspace: a channel ({@link Kind#PUBLIC} or {@link Kind#PRIVATE}) or a
 * direct conversation ({@link Kind#DM} between two people, {@link Kind#GROUP_DM} among three to
 * nine). {@code lastSeq} is the sequence number of its latest message: every message gets the
 * next one, in the same transaction as its insert.
 *
 * <p>A direct conversation has no name ({@code ""}) and a fixed set of {@code participants},
 * kept sorted ascending; a channel has none. The participants identify a direct conversation
 * within its workspace: {@link #dmKey()} is unique there.
 */
public record Conversation(
    long id, long workspaceId, Kind kind, String name, String topic, long createdBy, Instant createdAt,
    Optional<Instant> archivedAt, long lastSeq, List<Long> participants) {

  /** The smallest and largest number of people in a direct conversation. */
  public static final int DIRECT_MIN = 2;
  public static final int DIRECT_MAX = 9;

  public enum Kind {
    PUBLIC, PRIVATE, DM, GROUP_DM;

    /** Whether this is a direct conversation, with a fixed member set and no name. */
    public boolean direct() {
      return this == DM || this == GROUP_DM;
    }

    /** The kind as the API and the database spell it: {@code public}, {@code private}, {@code dm}, {@code group_dm}. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind fromWire(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  public Conversation {
    participants = participants.stream().distinct().sorted().toList();
    if (kind.direct()) {
      int expectedMin = kind == Kind.DM ? DIRECT_MIN : DIRECT_MIN + 1;
      int expectedMax = kind == Kind.DM ? DIRECT_MIN : DIRECT_MAX;
      if (participants.size() < expectedMin || participants.size() > expectedMax) {
        throw new IllegalArgumentException("a " + kind.wire() + " has " + expectedMin + " to " + expectedMax
            + " participants, not " + participants.size());
      }
    } else if (!participants.isEmpty()) {
      throw new IllegalArgumentException("a " + kind.wire() + " conversation has no fixed participants");
    }
  }

  /** A channel: a conversation without fixed participants. */
  public Conversation(long id, long workspaceId, Kind kind, String name, String topic, long createdBy, Instant createdAt,
      Optional<Instant> archivedAt, long lastSeq) {
    this(id, workspaceId, kind, name, topic, createdBy, createdAt, archivedAt, lastSeq, List.of());
  }

  public boolean archived() {
    return archivedAt.isPresent();
  }

  public boolean direct() {
    return kind.direct();
  }

  /** For a direct conversation, its participants' ids ascending, joined by {@code ','}; empty for a channel. */
  public Optional<String> dmKey() {
    return direct() ? Optional.of(participants.stream().map(String::valueOf).collect(Collectors.joining(","))) : Optional.empty();
  }

  /** The participants named by a {@link #dmKey()}. */
  public static List<Long> participantsOf(String dmKey) {
    return Arrays.stream(dmKey.split(",")).map(Long::parseLong).toList();
  }
}
