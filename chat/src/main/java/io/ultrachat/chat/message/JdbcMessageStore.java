package io.ultrachat.chat.message;

import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.DuplicateKeyException;
import io.ultrachat.store.jdbc.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * {@link MessageStore} on SQLite or PostgreSQL (where {@code messages} is partitioned by
 * month, see {@link MessagePartitions}).
 *
 * <p>An append increments the conversation's {@code last_seq} with {@code UPDATE … RETURNING};
 * the row lock that takes serialises appends per conversation and makes the sequence
 * gapless, because a rolled-back append also rolls back its increment. Idempotency keys live in
 * {@code chat_message_keys} (not partitioned, so its primary key is global); two racing appends
 * with one client id collide there, and the loser returns the winner's message.
 */
public final class JdbcMessageStore implements MessageStore {
  private static final String COLUMNS = "m.id, m.thread_id, m.seq, m.user_id, m.body, m.created_at, m.edited_at, m.deleted_at,"
      + " tr.root_id AS thread_root_id";
  /** Messages with their thread root, if they are replies. */
  private static final String FROM = " FROM messages m LEFT JOIN chat_thread_replies tr ON tr.reply_id = m.id";

  private final Database db;
  private final MessagePartitions partitions;

  public JdbcMessageStore(Database db, MessagePartitions partitions) {
    this.db = db;
    this.partitions = partitions;
  }

  @Override
  public Appended append(NewMessage m) {
    partitions.ensureCovers(m.createdAt());
    try {
      return db.write(sql -> {
        Optional<Message> existing = byClientId(sql, m);
        if (existing.isPresent()) {
          return new Appended(existing.get(), true);
        }
        if (m.threadRootId().isPresent()) {
          checkRoot(sql, m.conversationId(), m.threadRootId().get());
        }
        long seq = sql.queryOne("UPDATE chat_conversations SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq",
            rs -> rs.getLong(1), m.conversationId())
            .orElseThrow(() -> new IllegalArgumentException("no conversation " + m.conversationId()));
        sql.update("INSERT INTO messages (id, thread_id, seq, user_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            m.id(), m.conversationId(), seq, m.userId(), m.body(), sql.time(m.createdAt()));
        sql.update("INSERT INTO chat_message_index (message_id, thread_id, seq, created_at) VALUES (?, ?, ?, ?)",
            m.id(), m.conversationId(), seq, sql.time(m.createdAt()));
        if (m.clientId().isPresent()) {
          sql.update("INSERT INTO chat_message_keys (thread_id, user_id, client_id, message_id, created_at) VALUES (?, ?, ?, ?, ?)",
              m.conversationId(), m.userId(), m.clientId().get(), m.id(), sql.time(m.createdAt()));
        }
        writeMentions(sql, m.id(), m.conversationId(), seq, m.userId(), m.mentions());
        Optional<ThreadSummary> thread = m.threadRootId().isEmpty() ? Optional.empty()
            : Optional.of(writeReply(sql, m.threadRootId().get(), m));
        return new Appended(new Message(m.id(), m.conversationId(), seq, m.userId(), Optional.of(m.body()), m.createdAt(),
            Optional.empty(), Optional.empty(), m.threadRootId()), false, thread);
      });
    } catch (DuplicateKeyException race) {
      // A concurrent append with the same client id committed first.
      return db.read(sql -> byClientId(sql, m)).map(x -> new Appended(x, true)).orElseThrow(() -> race);
    }
  }

  /** Refuses a root that is unknown in the conversation, deleted or itself a reply. */
  private static void checkRoot(Sql sql, long conversationId, long rootId) throws SQLException {
    Message root = find(sql, conversationId, rootId)
        .orElseThrow(() -> new ThreadRootRefused(ThreadRootRefused.Reason.NOT_FOUND));
    if (root.reply()) {
      throw new ThreadRootRefused(ThreadRootRefused.Reason.NESTED);
    }
    if (root.deleted()) {
      throw new ThreadRootRefused(ThreadRootRefused.Reason.DELETED);
    }
  }

  /**
   * Links the reply to its root and counts it in the root's summary. The upsert locks the summary
   * row, so concurrent replies (already serialised by the conversation's row lock) each add one.
   */
  private static ThreadSummary writeReply(Sql sql, long rootId, NewMessage m) throws SQLException {
    sql.update("INSERT INTO chat_thread_replies (root_id, reply_id, conversation_id, created_at) VALUES (?, ?, ?, ?)",
        rootId, m.id(), m.conversationId(), sql.time(m.createdAt()));
    sql.update("INSERT INTO chat_threads (root_id, conversation_id, reply_count, last_reply_at, participants) VALUES (?, ?, 1, ?, ?)"
        + " ON CONFLICT (root_id) DO UPDATE SET reply_count = chat_threads.reply_count + 1,"
        + " last_reply_at = CASE WHEN excluded.last_reply_at > chat_threads.last_reply_at THEN excluded.last_reply_at"
        + " ELSE chat_threads.last_reply_at END",
        rootId, m.conversationId(), sql.time(m.createdAt()), Long.toString(m.userId()));
    ThreadSummary summary = summary(sql, rootId).orElseThrow();
    if (!summary.participants().contains(m.userId()) && summary.participants().size() < ThreadSummary.PARTICIPANTS_MAX) {
      List<Long> participants = new ArrayList<>(summary.participants());
      participants.add(m.userId());
      sql.update("UPDATE chat_threads SET participants = ? WHERE root_id = ?", participantsText(participants), rootId);
      summary = new ThreadSummary(summary.replyCount(), summary.lastReplyAt(), participants);
    }
    return summary;
  }

  static Optional<ThreadSummary> summary(Sql sql, long rootId) throws SQLException {
    return sql.queryOne("SELECT reply_count, last_reply_at, participants FROM chat_threads WHERE root_id = ?",
        rs -> new ThreadSummary(rs.getLong("reply_count"), sql.requiredInstant(rs, "last_reply_at"),
            parseParticipants(rs.getString("participants"))), rootId);
  }

  static String participantsText(List<Long> participants) {
    return participants.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(" "));
  }

  static List<Long> parseParticipants(String text) {
    List<Long> out = new ArrayList<>();
    if (text != null) {
      for (String part : text.trim().split(" +")) {
        if (!part.isEmpty()) {
          out.add(Long.parseLong(part));
        }
      }
    }
    return out;
  }

  private Optional<Message> byClientId(Sql sql, NewMessage m) throws SQLException {
    if (m.clientId().isEmpty()) {
      return Optional.empty();
    }
    Optional<Long> id = sql.queryOne("SELECT message_id FROM chat_message_keys WHERE thread_id = ? AND user_id = ? AND client_id = ?",
        rs -> rs.getLong(1), m.conversationId(), m.userId(), m.clientId().get());
    return id.isEmpty() ? Optional.empty() : find(sql, m.conversationId(), id.get());
  }

  @Override
  public Optional<Message> findByClientId(long conversationId, long userId, String clientId) {
    return db.read(sql -> byClientId(sql, new NewMessage(0, conversationId, userId, Optional.of(clientId), "", Instant.EPOCH)));
  }

  @Override
  public Optional<Message> find(long conversationId, long messageId) {
    return db.read(sql -> find(sql, conversationId, messageId));
  }

  /** Looks the message up through its index row, so PostgreSQL reads exactly one partition. */
  private static Optional<Message> find(Sql sql, long conversationId, long messageId) throws SQLException {
    Optional<Object> createdAt = sql.queryOne("SELECT created_at FROM chat_message_index WHERE message_id = ? AND thread_id = ?",
        rs -> rs.getObject(1), messageId, conversationId);
    if (createdAt.isEmpty()) {
      return Optional.empty();
    }
    return sql.queryOne("SELECT " + COLUMNS + FROM + " WHERE m.id = ? AND m.created_at = ?",
        rs -> map(sql, rs), messageId, createdAt.get());
  }

  @Override
  public List<Message> before(long conversationId, long before, int limit) {
    List<Message> page = db.read(sql -> sql.query("SELECT " + COLUMNS + FROM + " WHERE m.thread_id = ? AND m.seq < ?"
        + " ORDER BY m.seq DESC LIMIT ?", rs -> map(sql, rs), conversationId, before, limit));
    List<Message> ascending = new ArrayList<>(page);
    Collections.reverse(ascending);
    return ascending;
  }

  @Override
  public List<Message> after(long conversationId, long after, int limit) {
    return db.read(sql -> sql.query("SELECT " + COLUMNS + FROM + " WHERE m.thread_id = ? AND m.seq > ?"
        + " ORDER BY m.seq ASC LIMIT ?", rs -> map(sql, rs), conversationId, after, limit));
  }

  @Override
  public List<Message> replies(long conversationId, long rootId, long after, int limit) {
    return db.read(sql -> sql.query("SELECT " + COLUMNS + FROM + " WHERE m.thread_id = ? AND tr.root_id = ? AND m.seq > ?"
        + " ORDER BY m.seq ASC LIMIT ?", rs -> map(sql, rs), conversationId, rootId, after, limit));
  }

  @Override
  public Optional<Message> edit(long conversationId, long messageId, String body, Instant at, Mentions mentions) {
    return db.write(sql -> {
      Optional<Message> current = find(sql, conversationId, messageId);
      if (current.isEmpty() || current.get().deleted()) {
        return Optional.<Message>empty();
      }
      sql.update("UPDATE messages SET body = ?, edited_at = ? WHERE id = ? AND created_at = ? AND deleted_at IS NULL",
          body, sql.time(at), messageId, sql.time(current.get().createdAt()));
      Message m = current.get();
      sql.update("DELETE FROM chat_message_mentions WHERE message_id = ?", messageId);
      writeMentions(sql, messageId, conversationId, m.seq(), m.userId(), mentions);
      return find(sql, conversationId, messageId);
    });
  }

  @Override
  public Optional<Message> delete(long conversationId, long messageId, Instant at) {
    return db.write(sql -> {
      Optional<Message> current = find(sql, conversationId, messageId);
      if (current.isEmpty()) {
        return Optional.<Message>empty();
      }
      if (!current.get().deleted()) {
        sql.update("UPDATE messages SET body = NULL, deleted_at = ? WHERE id = ? AND created_at = ?",
            sql.time(at), messageId, sql.time(current.get().createdAt()));
        sql.update("DELETE FROM chat_message_mentions WHERE message_id = ?", messageId);
        sql.update("DELETE FROM chat_message_reactions WHERE message_id = ?", messageId);
      }
      return find(sql, conversationId, messageId);
    });
  }

  /** Mention rows; user 0 stands for everyone ({@code @channel}, {@code @here}). */
  private static void writeMentions(Sql sql, long messageId, long conversationId, long seq, long authorId, Mentions mentions)
      throws SQLException {
    List<Long> users = new ArrayList<>(mentions.userIds());
    if (mentions.channel()) {
      users.add(0L);
    }
    for (long userId : users) {
      sql.update("INSERT INTO chat_message_mentions (message_id, user_id, thread_id, seq, author_id) VALUES (?, ?, ?, ?, ?)"
          + " ON CONFLICT (message_id, user_id) DO NOTHING", messageId, userId, conversationId, seq, authorId);
    }
  }

  private static Message map(Sql sql, ResultSet rs) throws SQLException {
    return new Message(rs.getLong("id"), rs.getLong("thread_id"), rs.getLong("seq"), rs.getLong("user_id"),
        Optional.ofNullable(rs.getString("body")), sql.requiredInstant(rs, "created_at"), sql.instant(rs, "edited_at"),
        sql.instant(rs, "deleted_at"), threadRoot(rs));
  }

  private static Optional<Long> threadRoot(ResultSet rs) throws SQLException {
    long root = rs.getLong("thread_root_id");
    return rs.wasNull() ? Optional.empty() : Optional.of(root);
  }
}
