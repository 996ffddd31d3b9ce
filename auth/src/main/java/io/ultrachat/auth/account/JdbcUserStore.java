package io.ultrachat.auth.account;

import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link UserStore} on SQLite or PostgreSQL; the SQL is the same for both. */
public final class JdbcUserStore implements UserStore {
  private static final String COLUMNS =
      "id, username, display_name, kind, is_admin, owner_id, password_hash, created_at, updated_at, deactivated_at";

  private final Database db;

  public JdbcUserStore(Database db) {
    this.db = db;
  }

  @Override
  public void insert(User u) {
    db.write(sql -> insert(sql, u, u.admin()));
  }

  private static int insert(Sql sql, User u, boolean admin) throws SQLException {
    return sql.update("INSERT INTO auth_users (" + COLUMNS + ", username_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        u.id(), u.username(), u.displayName(), u.kind().name().toLowerCase(), admin, u.ownerId(), u.passwordHash(),
        u.createdAt().toEpochMilli(), u.updatedAt().toEpochMilli(), u.deactivatedAt().map(Instant::toEpochMilli),
        User.usernameKey(u.username()));
  }

  @Override
  public User insertFirstPersonAsAdmin(User u) {
    return db.write(sql -> {
      boolean first = noPersonYet(sql);
      if (first) {
        // Only the rare first registrations pay for the lock; recheck once it is held.
        sql.lockTable("auth_users");
        first = noPersonYet(sql);
      }
      boolean admin = u.admin() || first;
      insert(sql, u, admin);
      return new User(u.id(), u.username(), u.displayName(), u.kind(), admin, u.ownerId(), u.passwordHash(),
          u.createdAt(), u.updatedAt(), u.deactivatedAt());
    });
  }

  private static boolean noPersonYet(Sql sql) throws SQLException {
    return sql.queryOne("SELECT 1 FROM auth_users WHERE kind = 'person' LIMIT 1", rs -> 1).isEmpty();
  }

  @Override
  public Optional<User> findById(long id) {
    return db.read(sql -> sql.queryOne("SELECT " + COLUMNS + " FROM auth_users WHERE id = ?", JdbcUserStore::map, id));
  }

  @Override
  public Optional<User> findByUsername(String username) {
    return db.read(sql -> sql.queryOne("SELECT " + COLUMNS + " FROM auth_users WHERE username_key = ?",
        JdbcUserStore::map, User.usernameKey(username)));
  }

  @Override
  public boolean updateDisplayName(long id, String displayName, Instant at) {
    return db.write(sql -> sql.update("UPDATE auth_users SET display_name = ?, updated_at = ? WHERE id = ?",
        displayName, at.toEpochMilli(), id)) == 1;
  }

  @Override
  public boolean updatePasswordHash(long id, String passwordHash, Instant at) {
    return db.write(sql -> sql.update("UPDATE auth_users SET password_hash = ?, updated_at = ? WHERE id = ?",
        passwordHash, at.toEpochMilli(), id)) == 1;
  }

  @Override
  public boolean setAdmin(long id, boolean admin, Instant at) {
    return db.write(sql -> sql.update("UPDATE auth_users SET is_admin = ?, updated_at = ? WHERE id = ?",
        admin, at.toEpochMilli(), id)) == 1;
  }

  @Override
  public boolean deactivate(long id, Instant at) {
    return db.write(sql -> sql.update(
        "UPDATE auth_users SET deactivated_at = ?, updated_at = ? WHERE id = ? AND deactivated_at IS NULL",
        at.toEpochMilli(), at.toEpochMilli(), id)) == 1;
  }

  @Override
  public List<User> listBots(long ownerId) {
    return db.read(sql -> sql.query("SELECT " + COLUMNS
        + " FROM auth_users WHERE owner_id = ? AND kind = 'bot' AND deactivated_at IS NULL ORDER BY id",
        JdbcUserStore::map, ownerId));
  }

  private static User map(ResultSet rs) throws SQLException {
    return new User(
        rs.getLong("id"),
        rs.getString("username"),
        rs.getString("display_name"),
        User.Kind.valueOf(rs.getString("kind").toUpperCase()),
        rs.getBoolean("is_admin"),
        Sql.optionalLong(rs, "owner_id"),
        Sql.optionalString(rs, "password_hash"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")),
        Sql.optionalLong(rs, "deactivated_at").map(Instant::ofEpochMilli));
  }
}
