package io.ultrachat.auth.apitoken;

import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** {@link ApiTokenStore} on SQLite or PostgreSQL. Scopes are stored space-separated. */
public final class JdbcApiTokenStore implements ApiTokenStore {
  private static final String COLUMNS =
      "id, user_id, name, token_hash, scopes, created_by, created_at, expires_at, last_used_at, revoked_at";

  private final Database db;

  public JdbcApiTokenStore(Database db) {
    this.db = db;
  }

  @Override
  public void insert(ApiToken t) {
    db.write(sql -> sql.update("INSERT INTO auth_api_tokens (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        t.id(), t.userId(), t.name(), t.tokenHash(), String.join(" ", new TreeSet<>(t.scopes())), t.createdBy(),
        t.createdAt().toEpochMilli(), t.expiresAt().map(Instant::toEpochMilli), t.lastUsedAt().map(Instant::toEpochMilli),
        t.revokedAt().map(Instant::toEpochMilli)));
  }

  @Override
  public Optional<ApiToken> findByHash(String tokenHash) {
    return db.read(sql -> sql.queryOne("SELECT " + COLUMNS + " FROM auth_api_tokens WHERE token_hash = ?", JdbcApiTokenStore::map, tokenHash));
  }

  @Override
  public Optional<ApiToken> findById(long id) {
    return db.read(sql -> sql.queryOne("SELECT " + COLUMNS + " FROM auth_api_tokens WHERE id = ?", JdbcApiTokenStore::map, id));
  }

  @Override
  public List<ApiToken> listUnrevoked(long userId) {
    return db.read(sql -> sql.query("SELECT " + COLUMNS + " FROM auth_api_tokens WHERE user_id = ? AND revoked_at IS NULL"
        + " ORDER BY id DESC", JdbcApiTokenStore::map, userId));
  }

  @Override
  public int countUsable(long userId, Instant now) {
    return db.read(sql -> sql.queryOne("SELECT COUNT(*) FROM auth_api_tokens WHERE user_id = ? AND revoked_at IS NULL"
        + " AND (expires_at IS NULL OR expires_at > ?)", rs -> rs.getInt(1), userId, now.toEpochMilli()).orElse(0));
  }

  @Override
  public boolean revoke(long id, Instant at) {
    return db.write(sql -> sql.update("UPDATE auth_api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
        at.toEpochMilli(), id)) == 1;
  }

  @Override
  public int revokeAllOfUser(long userId, Instant at) {
    return db.write(sql -> sql.update("UPDATE auth_api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
        at.toEpochMilli(), userId));
  }

  @Override
  public void touch(long id, Instant at) {
    db.write(sql -> sql.update("UPDATE auth_api_tokens SET last_used_at = ? WHERE id = ?", at.toEpochMilli(), id));
  }

  private static ApiToken map(ResultSet rs) throws SQLException {
    String scopes = rs.getString("scopes");
    Set<String> scopeSet = scopes.isBlank() ? Set.of() : Set.copyOf(Arrays.asList(scopes.split(" ")));
    return new ApiToken(rs.getLong("id"), rs.getLong("user_id"), rs.getString("name"), rs.getString("token_hash"), scopeSet,
        rs.getLong("created_by"), Instant.ofEpochMilli(rs.getLong("created_at")),
        Sql.optionalLong(rs, "expires_at").map(Instant::ofEpochMilli),
        Sql.optionalLong(rs, "last_used_at").map(Instant::ofEpochMilli),
        Sql.optionalLong(rs, "revoked_at").map(Instant::ofEpochMilli));
  }
}
