package io.ultrachat.auth.session;

import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link SessionStore} on SQLite or PostgreSQL. */
public final class JdbcSessionStore implements SessionStore {
  private static final String COLUMNS =
      "s.id, s.user_id, s.created_at, s.expires_at, s.last_used_at, s.revoked_at, s.revoke_reason, s.user_agent, s.client_address";

  private final Database db;

  public JdbcSessionStore(Database db) {
    this.db = db;
  }

  @Override
  public void create(Session s, String refreshTokenHash) {
    db.write(sql -> {
      sql.update("INSERT INTO auth_sessions (id, user_id, created_at, expires_at, last_used_at, revoked_at, revoke_reason,"
              + " user_agent, client_address) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          s.id(), s.userId(), s.createdAt().toEpochMilli(), s.expiresAt().toEpochMilli(), s.lastUsedAt().toEpochMilli(),
          s.revokedAt().map(Instant::toEpochMilli), s.revokeReason(), s.userAgent(), s.clientAddress());
      return sql.update("INSERT INTO auth_refresh_tokens (token_hash, session_id, status, created_at) VALUES (?, ?, 'active', ?)",
          refreshTokenHash, s.id(), s.createdAt().toEpochMilli());
    });
  }

  @Override
  public Optional<RefreshTokenState> findByRefreshTokenHash(String tokenHash) {
    return db.read(sql -> sql.queryOne("SELECT " + COLUMNS + ", t.status FROM auth_refresh_tokens t"
            + " JOIN auth_sessions s ON s.id = t.session_id WHERE t.token_hash = ?",
        rs -> new RefreshTokenState(map(rs), "rotated".equals(rs.getString("status"))), tokenHash));
  }

  @Override
  public boolean rotateRefreshToken(long sessionId, String oldHash, String newHash, Instant newExpiresAt, Instant at) {
    return db.write(sql -> {
      int changed = sql.update("UPDATE auth_refresh_tokens SET status = 'rotated'"
          + " WHERE token_hash = ? AND session_id = ? AND status = 'active'", oldHash, sessionId);
      if (changed != 1) {
        return false;
      }
      sql.update("INSERT INTO auth_refresh_tokens (token_hash, session_id, status, created_at) VALUES (?, ?, 'active', ?)",
          newHash, sessionId, at.toEpochMilli());
      sql.update("UPDATE auth_sessions SET expires_at = ?, last_used_at = ? WHERE id = ?",
          newExpiresAt.toEpochMilli(), at.toEpochMilli(), sessionId);
      return true;
    });
  }

  @Override
  public void touch(long sessionId, Instant at) {
    db.write(sql -> sql.update("UPDATE auth_sessions SET last_used_at = ? WHERE id = ? AND last_used_at < ?",
        at.toEpochMilli(), sessionId, at.toEpochMilli()));
  }

  @Override
  public Optional<Session> findById(long sessionId) {
    return db.read(sql -> sql.queryOne("SELECT " + COLUMNS + " FROM auth_sessions s WHERE s.id = ?", JdbcSessionStore::map, sessionId));
  }

  @Override
  public List<Session> listLive(long userId, Instant now) {
    return db.read(sql -> sql.query("SELECT " + COLUMNS + " FROM auth_sessions s WHERE s.user_id = ? AND s.revoked_at IS NULL"
        + " AND s.expires_at > ? ORDER BY s.last_used_at DESC, s.id DESC", JdbcSessionStore::map, userId, now.toEpochMilli()));
  }

  @Override
  public boolean revoke(long sessionId, String reason, Instant at) {
    return db.write(sql -> sql.update("UPDATE auth_sessions SET revoked_at = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL",
        at.toEpochMilli(), reason, sessionId)) == 1;
  }

  @Override
  public List<Long> revokeAllOfUser(long userId, long keep, String reason, Instant at) {
    // RETURNING reports exactly the rows this statement revoked, even under concurrent calls.
    return db.write(sql -> sql.query("UPDATE auth_sessions SET revoked_at = ?, revoke_reason = ?"
        + " WHERE user_id = ? AND id <> ? AND revoked_at IS NULL RETURNING id", rs -> rs.getLong(1), at.toEpochMilli(), reason, userId, keep));
  }

  @Override
  public List<Long> revokedSince(Instant since) {
    return db.read(sql -> sql.query("SELECT id FROM auth_sessions WHERE revoked_at >= ?", rs -> rs.getLong(1), since.toEpochMilli()));
  }

  private static Session map(ResultSet rs) throws SQLException {
    return new Session(
        rs.getLong("id"),
        rs.getLong("user_id"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("expires_at")),
        Instant.ofEpochMilli(rs.getLong("last_used_at")),
        Sql.optionalLong(rs, "revoked_at").map(Instant::ofEpochMilli),
        Sql.optionalString(rs, "revoke_reason"),
        rs.getString("user_agent"),
        rs.getString("client_address"));
  }
}
