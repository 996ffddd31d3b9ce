package io.ultrachat.chat.conversation;

import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@link ConversationStore} on SQLite or PostgreSQL. */
public final class JdbcConversationStore implements ConversationStore {
  private static final String COLUMNS = "id, workspace_id, kind, name, topic, created_by, created_at, archived_at, last_seq";

  private final Database db;

  public JdbcConversationStore(Database db) {
    this.db = db;
  }

  @Override
  public void create(Conversation c) {
    db.write(sql -> {
      sql.update("INSERT INTO chat_conversations (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          c.id(), c.workspaceId(), c.kind().name().toLowerCase(Locale.ROOT), c.name(), c.topic(), c.createdBy(),
          sql.time(c.createdAt()), c.archivedAt().map(sql::time), c.lastSeq());
      return sql.update("INSERT INTO chat_conversation_members (conversation_id, user_id, joined_at, last_read_seq) VALUES (?, ?, ?, ?)",
          c.id(), c.createdBy(), sql.time(c.createdAt()), c.lastSeq());
    });
  }

  @Override
  public Optional<Conversation> find(long conversationId) {
    return db.read(sql -> sql.queryOne("SELECT " + COLUMNS + " FROM chat_conversations WHERE id = ?", rs -> map(sql, rs), conversationId));
  }

  @Override
  public List<Conversation> listInWorkspace(long workspaceId) {
    return db.read(sql -> sql.query("SELECT " + COLUMNS + " FROM chat_conversations WHERE workspace_id = ? ORDER BY lower(name)",
        rs -> map(sql, rs), workspaceId));
  }

  @Override
  public Optional<Conversation> update(long conversationId, Optional<String> name, Optional<String> topic,
      Optional<Optional<Instant>> archivedAt) {
    return db.write(sql -> {
      if (name.isPresent()) {
        sql.update("UPDATE chat_conversations SET name = ? WHERE id = ?", name.get(), conversationId);
      }
      if (topic.isPresent()) {
        sql.update("UPDATE chat_conversations SET topic = ? WHERE id = ?", topic.get(), conversationId);
      }
      if (archivedAt.isPresent()) {
        sql.update("UPDATE chat_conversations SET archived_at = ? WHERE id = ?", archivedAt.get().map(sql::time), conversationId);
      }
      return sql.queryOne("SELECT " + COLUMNS + " FROM chat_conversations WHERE id = ?", rs -> map(sql, rs), conversationId);
    });
  }

  @Override
  public Optional<ConversationMember> member(long conversationId, long userId) {
    return db.read(sql -> sql.queryOne("SELECT conversation_id, user_id, joined_at, last_read_seq FROM chat_conversation_members"
        + " WHERE conversation_id = ? AND user_id = ?", rs -> member(sql, rs), conversationId, userId));
  }

  @Override
  public List<ConversationMember> membershipsInWorkspace(long workspaceId, long userId) {
    return db.read(sql -> sql.query("SELECT m.conversation_id, m.user_id, m.joined_at, m.last_read_seq FROM chat_conversation_members m"
        + " JOIN chat_conversations c ON c.id = m.conversation_id WHERE c.workspace_id = ? AND m.user_id = ?",
        rs -> member(sql, rs), workspaceId, userId));
  }

  @Override
  public java.util.Map<Long, Long> lastSeqsOfMember(long userId) {
    return db.read(sql -> {
      java.util.Map<Long, Long> out = new java.util.LinkedHashMap<>();
      for (long[] row : sql.query("SELECT c.id, c.last_seq FROM chat_conversation_members m JOIN chat_conversations c"
          + " ON c.id = m.conversation_id WHERE m.user_id = ? ORDER BY c.id", rs -> new long[] {rs.getLong(1), rs.getLong(2)}, userId)) {
        out.put(row[0], row[1]);
      }
      return out;
    });
  }

  @Override
  public void addMember(long conversationId, long userId, Instant at) {
    // ON CONFLICT DO NOTHING: concurrent joins of the same user are all no-ops but one.
    db.write(sql -> sql.update("INSERT INTO chat_conversation_members (conversation_id, user_id, joined_at, last_read_seq)"
        + " SELECT id, ?, ?, last_seq FROM chat_conversations WHERE id = ? ON CONFLICT (conversation_id, user_id) DO NOTHING",
        userId, sql.time(at), conversationId));
  }

  @Override
  public boolean removeMember(long conversationId, long userId) {
    return db.write(sql -> sql.update("DELETE FROM chat_conversation_members WHERE conversation_id = ? AND user_id = ?",
        conversationId, userId)) == 1;
  }

  @Override
  public void removeFromWorkspace(long workspaceId, long userId) {
    db.write(sql -> sql.update("DELETE FROM chat_conversation_members WHERE user_id = ? AND conversation_id IN"
        + " (SELECT id FROM chat_conversations WHERE workspace_id = ?)", userId, workspaceId));
  }

  @Override
  public Optional<Long> markRead(long conversationId, long userId, long seq) {
    return db.write(sql -> {
      sql.update("UPDATE chat_conversation_members SET last_read_seq ="
          + " (SELECT CASE WHEN ? > c.last_seq THEN c.last_seq ELSE ? END FROM chat_conversations c WHERE c.id = ?)"
          + " WHERE conversation_id = ? AND user_id = ? AND last_read_seq <"
          + " (SELECT CASE WHEN ? > c.last_seq THEN c.last_seq ELSE ? END FROM chat_conversations c WHERE c.id = ?)",
          seq, seq, conversationId, conversationId, userId, seq, seq, conversationId);
      return sql.queryOne("SELECT last_read_seq FROM chat_conversation_members WHERE conversation_id = ? AND user_id = ?",
          rs -> rs.getLong(1), conversationId, userId);
    });
  }

  private static Conversation map(Sql sql, ResultSet rs) throws SQLException {
    return new Conversation(rs.getLong("id"), rs.getLong("workspace_id"),
        Conversation.Kind.valueOf(rs.getString("kind").toUpperCase(Locale.ROOT)), rs.getString("name"), rs.getString("topic"),
        rs.getLong("created_by"), sql.requiredInstant(rs, "created_at"), sql.instant(rs, "archived_at"), rs.getLong("last_seq"));
  }

  private static ConversationMember member(Sql sql, ResultSet rs) throws SQLException {
    return new ConversationMember(rs.getLong("conversation_id"), rs.getLong("user_id"), sql.requiredInstant(rs, "joined_at"),
        rs.getLong("last_read_seq"));
  }
}
