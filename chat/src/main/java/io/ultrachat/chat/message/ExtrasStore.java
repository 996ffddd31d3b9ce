package io.ultrachat.chat.message;

import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.Sql;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reactions, pins and mention reads on SQLite or PostgreSQL. Mentions are written with their
 * message by {@link JdbcMessageStore}. Thread-safe; each method is atomic.
 *
 * <p>Limits (distinct emoji per message, pins per conversation) are checked under a row lock,
 * on the message ({@link MessageRows#lock}) or on the conversation (a no-op {@code UPDATE}), so
 * concurrent adds cannot pass them together; duplicates are absorbed by primary keys with
 * {@code ON CONFLICT DO NOTHING}.
 */
public final class ExtrasStore implements io.ultrachat.chat.conversation.MentionCounts {
  private final Database db;

  public ExtrasStore(Database db) {
    this.db = db;
  }

  /** The outcome of adding or removing a reaction: whether anything changed, and the emoji's count after. */
  public record ReactionChange(boolean changed, long count) {}

  /** Why an add was refused. */
  public enum Refusal { NONE, LIMIT }

  /** An add's outcome; {@code refusal} is {@code LIMIT} when the message already has {@code maxEmoji} other emoji. */
  public record ReactionAdd(ReactionChange change, Refusal refusal) {}

  public ReactionAdd addReaction(long id, long conversationId, long messageId, long userId, String emoji, Instant at, int maxEmoji) {
    return db.write(List.of(Reader.userKey(userId)), sql -> {
      MessageRows.lock(sql, conversationId, messageId);
      boolean known = sql.queryOne("SELECT 1 FROM chat_message_reactions WHERE message_id = ? AND emoji = ? LIMIT 1",
          rs -> 1, messageId, emoji).isPresent();
      if (!known) {
        long distinct = sql.queryOne("SELECT COUNT(DISTINCT emoji) FROM chat_message_reactions WHERE message_id = ?",
            rs -> rs.getLong(1), messageId).orElse(0L);
        if (distinct >= maxEmoji) {
          return new ReactionAdd(new ReactionChange(false, 0), Refusal.LIMIT);
        }
      }
      int inserted = sql.update("INSERT INTO chat_message_reactions (message_id, user_id, emoji, thread_id, id, created_at)"
          + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (message_id, user_id, emoji) DO NOTHING",
          messageId, userId, emoji, conversationId, id, sql.time(at));
      return new ReactionAdd(new ReactionChange(inserted == 1, count(sql, messageId, emoji)), Refusal.NONE);
    });
  }

  public ReactionChange removeReaction(long messageId, long userId, String emoji) {
    return db.write(List.of(Reader.userKey(userId)), sql -> {
      int deleted = sql.update("DELETE FROM chat_message_reactions WHERE message_id = ? AND user_id = ? AND emoji = ?",
          messageId, userId, emoji);
      return new ReactionChange(deleted == 1, count(sql, messageId, emoji));
    });
  }

  private static long count(Sql sql, long messageId, String emoji) throws SQLException {
    return sql.queryOne("SELECT COUNT(*) FROM chat_message_reactions WHERE message_id = ? AND emoji = ?",
        rs -> rs.getLong(1), messageId, emoji).orElse(0L);
  }

  /** Pins a message; false if it already was. {@code pinned} is false and nothing changes when the conversation has {@code max} pins. */
  public record PinResult(boolean pinned, boolean limited) {}

  public PinResult pin(long id, long conversationId, long messageId, long userId, Instant at, int max) {
    return db.write(List.of(Reader.userKey(userId)), sql -> {
      sql.update("UPDATE chat_conversations SET last_seq = last_seq WHERE id = ?", conversationId);
      if (sql.queryOne("SELECT 1 FROM chat_pins WHERE conversation_id = ? AND message_id = ?", rs -> 1, conversationId, messageId)
          .isPresent()) {
        return new PinResult(false, false);
      }
      long pins = sql.queryOne("SELECT COUNT(*) FROM chat_pins WHERE conversation_id = ?", rs -> rs.getLong(1), conversationId)
          .orElse(0L);
      if (pins >= max) {
        return new PinResult(false, true);
      }
      int inserted = sql.update("INSERT INTO chat_pins (conversation_id, message_id, id, pinned_by, pinned_at) VALUES (?, ?, ?, ?, ?)"
          + " ON CONFLICT (conversation_id, message_id) DO NOTHING", conversationId, messageId, id, userId, sql.time(at));
      return new PinResult(inserted == 1, false);
    });
  }

  /** Unpins; false if it was not pinned. */
  public boolean unpin(long conversationId, long messageId) {
    return db.write(sql -> sql.update("DELETE FROM chat_pins WHERE conversation_id = ? AND message_id = ?",
        conversationId, messageId)) == 1;
  }

  /** The pinned message ids of a conversation, newest pin first. */
  public List<Long> pins(long conversationId) {
    return db.read(sql -> sql.query("SELECT message_id FROM chat_pins WHERE conversation_id = ? ORDER BY id DESC",
        rs -> rs.getLong(1), conversationId));
  }

  /** Reactions, mentions, pin flags and thread summaries of some messages of one conversation, as {@code viewer} sees them. */
  public MessageExtras.Batch extras(long conversationId, Collection<Long> messageIds, long viewer) {
    if (messageIds.isEmpty()) {
      return new MessageExtras.Batch(Map.of());
    }
    List<Long> ids = List.copyOf(new TreeSet<>(messageIds));
    String in = ids.stream().map(x -> "?").collect(Collectors.joining(", ", "(", ")"));
    return db.read(sql -> {
      Map<Long, Map<String, long[]>> reactions = new HashMap<>();
      Object[] params = ids.toArray();
      // Per message and emoji: count, whether the viewer is among them; in order of first use.
      for (Object[] row : sql.query("SELECT message_id, emoji, COUNT(*), SUM(CASE WHEN user_id = " + viewer + " THEN 1 ELSE 0 END),"
          + " MIN(id) AS first FROM chat_message_reactions WHERE message_id IN " + in
          + " GROUP BY message_id, emoji ORDER BY message_id, first", rs -> new Object[] {rs.getLong(1), rs.getString(2),
              rs.getLong(3), rs.getLong(4)}, params)) {
        reactions.computeIfAbsent((Long) row[0], k -> new LinkedHashMap<>()).put((String) row[1], new long[] {(Long) row[2], (Long) row[3]});
      }
      Map<Long, List<Long>> mentioned = new HashMap<>();
      for (long[] row : sql.query("SELECT message_id, user_id FROM chat_message_mentions WHERE message_id IN " + in,
          rs -> new long[] {rs.getLong(1), rs.getLong(2)}, params)) {
        mentioned.computeIfAbsent(row[0], k -> new ArrayList<>()).add(row[1]);
      }
      Object[] pinParams = new Object[ids.size() + 1];
      pinParams[0] = conversationId;
      System.arraycopy(params, 0, pinParams, 1, ids.size());
      Set<Long> pinned = Set.copyOf(sql.query("SELECT message_id FROM chat_pins WHERE conversation_id = ? AND message_id IN " + in,
          rs -> rs.getLong(1), pinParams));
      Map<Long, ThreadSummary> threads = new HashMap<>();
      for (Object[] row : sql.query("SELECT root_id, reply_count, last_reply_at, participants FROM chat_threads WHERE root_id IN " + in,
          rs -> new Object[] {rs.getLong(1), new ThreadSummary(rs.getLong(2), sql.requiredInstant(rs, "last_reply_at"),
              JdbcMessageStore.parseParticipants(rs.getString(4)))}, params)) {
        threads.put((Long) row[0], (ThreadSummary) row[1]);
      }
      Map<Long, MessageExtras> out = new HashMap<>();
      for (long id : ids) {
        List<MessageExtras.Reaction> rs = new ArrayList<>();
        reactions.getOrDefault(id, Map.of()).forEach((emoji, c) -> rs.add(new MessageExtras.Reaction(emoji, c[0], c[1] > 0)));
        List<Long> users = mentioned.getOrDefault(id, List.of());
        Mentions mentions = new Mentions(users.stream().filter(u -> u != 0).toList(), users.contains(0L));
        Optional<ThreadSummary> thread = Optional.ofNullable(threads.get(id));
        if (!rs.isEmpty() || !users.isEmpty() || pinned.contains(id) || thread.isPresent()) {
          out.put(id, new MessageExtras(rs, mentions, pinned.contains(id), thread));
        }
      }
      return new MessageExtras.Batch(out);
    });
  }

  /**
   * Messages by others after {@code afterSeq} that mention {@code userId}, directly or as
   * everyone.
   */
  @Override
  public long mentionCount(long conversationId, long userId, long afterSeq) {
    return db.read(sql -> sql.queryOne("SELECT COUNT(DISTINCT message_id) FROM chat_message_mentions WHERE thread_id = ?"
        + " AND user_id IN (?, 0) AND seq > ? AND author_id <> ?", rs -> rs.getLong(1), conversationId, userId, afterSeq, userId)
        .orElse(0L));
  }

  /** {@link #mentionCount} for every conversation {@code userId} is a member of, after their read marks; zeros absent. */
  @Override
  public Map<Long, Long> mentionCounts(long userId) {
    return db.read(sql -> {
      Map<Long, Long> out = new HashMap<>();
      for (long[] row : sql.query("SELECT mm.thread_id, COUNT(DISTINCT mm.message_id) FROM chat_message_mentions mm"
          + " JOIN chat_conversation_members cm ON cm.conversation_id = mm.thread_id AND cm.user_id = ?"
          + " WHERE mm.user_id IN (?, 0) AND mm.seq > cm.last_read_seq AND mm.author_id <> ? GROUP BY mm.thread_id",
          rs -> new long[] {rs.getLong(1), rs.getLong(2)}, userId, userId, userId)) {
        out.put(row[0], row[1]);
      }
      return out;
    });
  }

}
