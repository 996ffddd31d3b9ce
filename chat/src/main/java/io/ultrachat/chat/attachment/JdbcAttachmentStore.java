package io.ultrachat.chat.attachment;

import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@link AttachmentStore} on SQLite or PostgreSQL ({@code chat_attachments}, not partitioned).
 *
 * <p>A claim is one {@code UPDATE … WHERE message_id IS NULL} of all the requested rows: on
 * PostgreSQL a concurrent claim of the same row waits for the row lock and then no longer
 * matches; SQLite runs writers one at a time. When fewer rows matched than were asked for, the
 * transaction looks up why and rolls back, so a claim takes all or nothing.
 */
public final class JdbcAttachmentStore implements AttachmentStore {
  /**
   * Whether the claiming message is committed and not deleted. On PostgreSQL a probe of each
   * monthly partition's primary key per attachment (the id alone names no partition).
   */
  private static final String POSTED = "(a.message_id IS NOT NULL AND EXISTS (SELECT 1 FROM messages m"
      + " WHERE m.id = a.message_id AND m.deleted_at IS NULL))";
  private static final String COLUMNS = "a.id, a.conversation_id, a.uploader_id, a.filename, a.content_type, a.byte_size,"
      + " a.created_at, a.message_id, CASE WHEN " + POSTED + " THEN 1 ELSE 0 END AS posted";

  private final Database db;

  public JdbcAttachmentStore(Database db) {
    this.db = db;
  }

  @Override
  public void begin(long id, long conversationId, long uploaderId, String filename, String contentType, Instant at) {
    db.write(sql -> sql.update("INSERT INTO chat_attachments (id, conversation_id, uploader_id, filename, content_type, created_at)"
        + " VALUES (?, ?, ?, ?, ?, ?)", id, conversationId, uploaderId, filename, contentType, sql.time(at)));
  }

  @Override
  public boolean complete(long id, long size) {
    return db.write(sql -> sql.update("UPDATE chat_attachments SET byte_size = ? WHERE id = ?", size, id)) == 1;
  }

  @Override
  public boolean remove(long id) {
    return db.write(sql -> sql.update("DELETE FROM chat_attachments WHERE id = ?", id)) == 1;
  }

  @Override
  public Optional<Attachment> find(long id) {
    return db.read(sql -> sql.queryOne("SELECT " + COLUMNS + " FROM chat_attachments a WHERE a.id = ? AND a.byte_size IS NOT NULL",
        rs -> map(sql, rs), id));
  }

  /** Carries a refusal out of the transaction, rolling it back. */
  private static final class Refused extends RuntimeException {
    final ClaimRefusal refusal;

    Refused(ClaimRefusal refusal) {
      super(null, null, false, false);
      this.refusal = refusal;
    }
  }

  @Override
  public Optional<ClaimRefusal> claim(long messageId, long uploaderId, long conversationId, List<Long> ids, Instant at) {
    if (ids.isEmpty()) {
      return Optional.empty();
    }
    String in = placeholders(ids.size());
    try {
      return db.write(sql -> {
        List<Object> params = new ArrayList<>(List.of(messageId, sql.time(at)));
        params.addAll(ids);
        params.addAll(List.of(uploaderId, conversationId));
        int claimed = sql.update("UPDATE chat_attachments SET message_id = ?, claimed_at = ? WHERE id IN " + in
            + " AND uploader_id = ? AND conversation_id = ? AND byte_size IS NOT NULL AND message_id IS NULL", params.toArray());
        if (claimed == ids.size()) {
          return Optional.<ClaimRefusal>empty();
        }
        Map<Long, Object[]> rows = new HashMap<>();
        for (Object[] row : sql.query("SELECT id, uploader_id, conversation_id, byte_size, message_id FROM chat_attachments WHERE id IN " + in,
            rs -> new Object[] {rs.getLong("id"), rs.getLong("uploader_id"), rs.getLong("conversation_id"),
                Sql.optionalLong(rs, "byte_size"), Sql.optionalLong(rs, "message_id")}, ids.toArray())) {
          rows.put((Long) row[0], row);
        }
        for (int i = 0; i < ids.size(); i++) {
          Object[] row = rows.get(ids.get(i));
          if (row == null || (long) row[1] != uploaderId || (long) row[2] != conversationId || ((Optional<?>) row[3]).isEmpty()) {
            throw new Refused(new ClaimRefusal(ClaimRefusal.Reason.NOT_CLAIMABLE, i));
          }
        }
        for (int i = 0; i < ids.size(); i++) {
          Optional<?> owner = (Optional<?>) rows.get(ids.get(i))[4];
          if (owner.isPresent() && !owner.get().equals(messageId)) {
            throw new Refused(new ClaimRefusal(ClaimRefusal.Reason.IN_USE, i));
          }
        }
        throw new IllegalStateException("claim of " + ids + " matched " + claimed + " rows without a reason");
      });
    } catch (Refused r) {
      return Optional.of(r.refusal);
    }
  }

  @Override
  public int release(long messageId) {
    return db.write(sql -> sql.update("UPDATE chat_attachments SET message_id = NULL, claimed_at = NULL WHERE message_id = ?",
        messageId));
  }

  @Override
  public Map<Long, List<Attachment>> byMessages(Collection<Long> messageIds) {
    if (messageIds.isEmpty()) {
      return Map.of();
    }
    List<Long> ids = List.copyOf(new TreeSet<>(messageIds));
    return db.read(sql -> {
      Map<Long, List<Attachment>> out = new LinkedHashMap<>();
      for (Attachment a : sql.query("SELECT " + COLUMNS + " FROM chat_attachments a WHERE a.message_id IN " + placeholders(ids.size())
          + " AND a.byte_size IS NOT NULL ORDER BY a.id", rs -> map(sql, rs), ids.toArray())) {
        out.computeIfAbsent(a.messageId().orElseThrow(), k -> new ArrayList<>()).add(a);
      }
      return out;
    });
  }

  @Override
  public List<Long> expired(Instant uploadedBefore, Instant claimedBefore, int limit) {
    return db.read(sql -> sql.query("SELECT a.id FROM chat_attachments a WHERE (a.message_id IS NULL AND a.created_at < ?)"
        + " OR (a.message_id IS NOT NULL AND a.claimed_at < ? AND NOT " + POSTED + ") ORDER BY a.id LIMIT ?",
        rs -> rs.getLong(1), sql.time(uploadedBefore), sql.time(claimedBefore), limit));
  }

  private static String placeholders(int n) {
    return java.util.stream.IntStream.range(0, n).mapToObj(i -> "?").collect(Collectors.joining(", ", "(", ")"));
  }

  private static Attachment map(Sql sql, ResultSet rs) throws SQLException {
    return new Attachment(rs.getLong("id"), rs.getLong("conversation_id"), rs.getLong("uploader_id"), rs.getString("filename"),
        rs.getString("content_type"), rs.getLong("byte_size"), sql.requiredInstant(rs, "created_at"),
        Sql.optionalLong(rs, "message_id"), rs.getInt("posted") == 1);
  }
}
