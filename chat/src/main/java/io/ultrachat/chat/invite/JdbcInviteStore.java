package io.ultrachat.chat.invite;

import io.ultrachat.chat.workspace.Role;
import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@link InviteStore} on SQLite or PostgreSQL.
 *
 * <p>Redeeming counts the use with {@code UPDATE … SET uses = uses + 1 WHERE uses < max_uses AND
 * expires_at > now}: on PostgreSQL concurrent redemptions queue on the invite's row lock and
 * each re-checks the condition against the committed count, on SQLite writers run one at a time,
 * so no invite is ever used more than {@code max_uses} times. The membership is inserted in the
 * same transaction; if the user turns out to be a member already, the use is given back.
 */
public final class JdbcInviteStore implements InviteStore {
  private static final String COLUMNS = "id, workspace_id, role, created_by, created_at, expires_at, max_uses, uses";

  private final Database db;

  public JdbcInviteStore(Database db) {
    this.db = db;
  }

  @Override
  public boolean create(Invite i, String tokenHash, int maxOpen, Instant now) {
    return db.write(sql -> {
      // A no-op update takes the workspace's row lock on PostgreSQL, so that creations in one
      // workspace count and insert one after the other. (It does not block inserts of rows that
      // reference the workspace: those take a weaker key-share lock.)
      sql.update("UPDATE chat_workspaces SET name = name WHERE id = ?", i.workspaceId());
      long open = sql.queryOne("SELECT COUNT(*) FROM chat_workspace_invites WHERE workspace_id = ? AND uses < max_uses AND expires_at > ?",
          rs -> rs.getLong(1), i.workspaceId(), sql.time(now)).orElse(0L);
      if (open >= maxOpen) {
        return false;
      }
      sql.update("INSERT INTO chat_workspace_invites (" + COLUMNS + ", token_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          i.id(), i.workspaceId(), i.role().wire(), i.createdBy(), sql.time(i.createdAt()), sql.time(i.expiresAt()), i.maxUses(),
          i.uses(), tokenHash);
      return true;
    });
  }

  @Override
  public Optional<Invite> find(long workspaceId, long inviteId) {
    return db.read(sql -> sql.queryOne("SELECT " + COLUMNS + " FROM chat_workspace_invites WHERE workspace_id = ? AND id = ?",
        rs -> map(sql, rs), workspaceId, inviteId));
  }

  @Override
  public Optional<Invite> findByTokenHash(String tokenHash) {
    return db.read(sql -> sql.queryOne("SELECT " + COLUMNS + " FROM chat_workspace_invites WHERE token_hash = ?",
        rs -> map(sql, rs), tokenHash));
  }

  @Override
  public List<Invite> listInWorkspace(long workspaceId) {
    return db.read(sql -> sql.query("SELECT " + COLUMNS + " FROM chat_workspace_invites WHERE workspace_id = ?"
        + " ORDER BY created_at DESC, id DESC", rs -> map(sql, rs), workspaceId));
  }

  @Override
  public boolean delete(long workspaceId, long inviteId) {
    return db.write(sql -> sql.update("DELETE FROM chat_workspace_invites WHERE workspace_id = ? AND id = ?", workspaceId, inviteId)) == 1;
  }

  @Override
  public int deleteExpiredBefore(Instant cutoff) {
    return db.write(sql -> sql.update("DELETE FROM chat_workspace_invites WHERE expires_at < ?", sql.time(cutoff)));
  }

  @Override
  public Redemption redeem(long inviteId, long userId, Instant now) {
    return db.write(sql -> {
      boolean member = sql.queryOne("SELECT 1 FROM chat_workspace_members m JOIN chat_workspace_invites i"
          + " ON i.workspace_id = m.workspace_id WHERE i.id = ? AND m.user_id = ?", rs -> true, inviteId, userId).isPresent();
      if (member) {
        return Redemption.ALREADY_MEMBER;
      }
      int counted = sql.update("UPDATE chat_workspace_invites SET uses = uses + 1 WHERE id = ? AND uses < max_uses AND expires_at > ?",
          inviteId, sql.time(now));
      if (counted == 0) {
        Optional<Invite> invite = sql.queryOne("SELECT " + COLUMNS + " FROM chat_workspace_invites WHERE id = ?",
            rs -> map(sql, rs), inviteId);
        if (invite.isEmpty()) {
          return Redemption.NOT_FOUND;
        }
        return invite.get().expiredAt(now) ? Redemption.EXPIRED : Redemption.EXHAUSTED;
      }
      int joined = sql.update("INSERT INTO chat_workspace_members (workspace_id, user_id, role, joined_at)"
          + " SELECT workspace_id, ?, role, ? FROM chat_workspace_invites WHERE id = ?"
          + " ON CONFLICT (workspace_id, user_id) DO NOTHING", userId, sql.time(now), inviteId);
      if (joined == 0) {
        // The user joined by another way since the check above: give the use back.
        sql.update("UPDATE chat_workspace_invites SET uses = uses - 1 WHERE id = ?", inviteId);
        return Redemption.ALREADY_MEMBER;
      }
      return Redemption.JOINED;
    });
  }

  private static Invite map(Sql sql, ResultSet rs) throws SQLException {
    return new Invite(rs.getLong("id"), rs.getLong("workspace_id"), Role.fromWire(rs.getString("role")), rs.getLong("created_by"),
        sql.requiredInstant(rs, "created_at"), sql.requiredInstant(rs, "expires_at"), rs.getInt("max_uses"), rs.getInt("uses"));
  }
}
