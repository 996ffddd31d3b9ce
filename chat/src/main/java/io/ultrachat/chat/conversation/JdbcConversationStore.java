package io.ultrachat.chat.conversation;

import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@link ConversationStore} on SQLite or PostgreSQL.
 *
 * <p>Direct conversations carry {@code dm_key} (their participants, see {@link Conversation#dmKey()}),
 * unique per workspace; channels have none. Finding or creating one is a single
 * {@code INSERT … ON CONFLICT (workspace_id, dm_key) DO NOTHING} followed by a read of the row,
 * so racing creators end up on one conversation: on PostgreSQL the loser's insert waits for the
 * winner's transaction and then does nothing, on SQLite writers run one at a time.
 */
public final class JdbcConversationStore implements ConversationStore {
  private static final String COLUMNS = "id, workspace_id, kind, name, topic, created_by, created_at, archived_at, last_seq, dm_key";
  private static final String C_COLUMNS = "c.id, c.workspace_id, c.kind, c.name, c.topic, c.created_by, c.created_at, c.archived_at,"
      + " c.last_seq, c.dm_key";

  private final Database db;

  public JdbcConversationStore(Database db) {
    this.db = db;
  }

  @Override
  public void create(Conversation c) {
    if (c.direct()) {
      throw new IllegalArgumentException("a direct conversation is created with findOrCreateDirect");
    }
    db.write(sql -> {
      insert(sql, c, "");
      return sql.update("INSERT INTO chat_conversation_members (conversation_id, user_id, joined_at, last_read_seq) VALUES (?, ?, ?, ?)",
          c.id(), c.createdBy(), sql.time(c.createdAt()), c.lastSeq());
    });
  }

  private static int insert(Sql sql, Conversation c, String suffix) throws SQLException {
    return sql.update("INSERT INTO chat_conversations (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" + suffix,
        c.id(), c.workspaceId(), c.kind().wire(), c.name(), c.topic(), c.createdBy(),
        sql.time(c.createdAt()), c.archivedAt().map(sql::time), c.lastSeq(), c.dmKey());
  }

  @Override
  public DirectConversation findOrCreateDirect(Conversation c) {
    String key = c.dmKey().orElseThrow(() -> new IllegalArgumentException("not a direct conversation: " + c.kind().wire()));
    return db.write(sql -> {
      boolean created = insert(sql, c, " ON CONFLICT (workspace_id, dm_key) DO NOTHING") == 1;
      Conversation stored = sql.queryOne("SELECT " + COLUMNS + " FROM chat_conversations WHERE workspace_id = ? AND dm_key = ?",
          rs -> map(sql, rs), c.workspaceId(), key).orElseThrow(() -> new IllegalStateException("direct conversation vanished: " + key));
      Set<Long> joined = new LinkedHashSet<>();
      for (long userId : stored.participants()) {
        if (addMember(sql, stored.id(), userId, c.createdAt()) == 1) {
          joined.add(userId);
        }
      }
      return new DirectConversation(stored, created, joined);
    });
  }

  @Override
  public Optional<Conversation> find(long conversationId) {
    return db.read(sql -> sql.queryOne("SELECT " + COLUMNS + " FROM chat_conversations WHERE id = ?", rs -> map(sql, rs), conversationId));
  }

  @Override
  public List<Conversation> listInWorkspace(long workspaceId) {
    return db.read(sql -> sql.query("SELECT " + COLUMNS + " FROM chat_conversations WHERE workspace_id = ? AND dm_key IS NULL"
        + " ORDER BY lower(name), id", rs -> map(sql, rs), workspaceId));
  }

  @Override
  public List<Conversation> listDirectOfMember(long workspaceId, long userId) {
    return db.read(sql -> sql.query("SELECT " + C_COLUMNS + " FROM chat_conversations c JOIN chat_conversation_members m"
        + " ON m.conversation_id = c.id WHERE c.workspace_id = ? AND m.user_id = ? AND c.dm_key IS NOT NULL"
        + " ORDER BY c.created_at, c.id", rs -> map(sql, rs), workspaceId, userId));
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
    db.write(sql -> addMember(sql, conversationId, userId, at));
  }

  /** Returns 1 if the user became a member, 0 if they were one (or there is no such conversation). */
  private static int addMember(Sql sql, long conversationId, long userId, Instant at) throws SQLException {
    // ON CONFLICT DO NOTHING: concurrent joins of the same user are all no-ops but one.
    return sql.update("INSERT INTO chat_conversation_members (conversation_id, user_id, joined_at, last_read_seq)"
        + " SELECT id, ?, ?, last_seq FROM chat_conversations WHERE id = ? ON CONFLICT (conversation_id, user_id) DO NOTHING",
        userId, sql.time(at), conversationId);
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
    // Recorded under the user's key like every chat write, so any replica read made for them afterwards includes it.
    return db.write(List.of(io.ultrachat.chat.message.Reader.userKey(userId)), sql -> {
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
    String dmKey = rs.getString("dm_key");
    return new Conversation(rs.getLong("id"), rs.getLong("workspace_id"),
        Conversation.Kind.fromWire(rs.getString("kind")), rs.getString("name"), rs.getString("topic"),
        rs.getLong("created_by"), sql.requiredInstant(rs, "created_at"), sql.instant(rs, "archived_at"), rs.getLong("last_seq"),
        dmKey == null ? List.of() : Conversation.participantsOf(dmKey));
  }

  private static ConversationMember member(Sql sql, ResultSet rs) throws SQLException {
    return new ConversationMember(rs.getLong("conversation_id"), rs.getLong("user_id"), sql.requiredInstant(rs, "joined_at"),
        rs.getLong("last_read_seq"));
  }
}
