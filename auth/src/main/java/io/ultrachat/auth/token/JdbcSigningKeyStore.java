package io.ultrachat.auth.token;

import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** {@link SigningKeyStore} on SQLite or PostgreSQL. */
public final class JdbcSigningKeyStore implements SigningKeyStore {
  private final Database db;

  public JdbcSigningKeyStore(Database db) {
    this.db = db;
  }

  @Override
  public List<SigningKey> listVerifying(Instant now) {
    return db.read(sql -> sql.query("SELECT kid, private_key, public_key, created_at, retired_at, verify_until"
        + " FROM auth_signing_keys WHERE verify_until IS NULL OR verify_until > ? ORDER BY created_at DESC, kid DESC",
        JdbcSigningKeyStore::map, now.toEpochMilli()));
  }

  @Override
  public boolean insertIfNoneSigning(SigningKey key) {
    return db.write(sql -> {
      sql.lockTable("auth_signing_keys");
      if (sql.queryOne("SELECT kid FROM auth_signing_keys WHERE retired_at IS NULL LIMIT 1", rs -> 1).isPresent()) {
        return false;
      }
      insert(sql, key);
      return true;
    });
  }

  @Override
  public void rotateTo(SigningKey key, Instant graceUntil) {
    db.write(sql -> {
      sql.lockTable("auth_signing_keys");
      sql.update("UPDATE auth_signing_keys SET retired_at = ?, verify_until = ? WHERE retired_at IS NULL",
          key.createdAt().toEpochMilli(), graceUntil.toEpochMilli());
      return insert(sql, key);
    });
  }

  private static int insert(Sql sql, SigningKey k) throws SQLException {
    return sql.update("INSERT INTO auth_signing_keys (kid, private_key, public_key, created_at, retired_at, verify_until)"
            + " VALUES (?, ?, ?, ?, ?, ?)",
        k.kid(), k.privateKey(), k.publicKey(), k.createdAt().toEpochMilli(),
        k.retiredAt().map(Instant::toEpochMilli), k.verifyUntil().map(Instant::toEpochMilli));
  }

  private static SigningKey map(ResultSet rs) throws SQLException {
    return new SigningKey(rs.getString("kid"), rs.getString("private_key"), rs.getString("public_key"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Sql.optionalLong(rs, "retired_at").map(Instant::ofEpochMilli),
        Sql.optionalLong(rs, "verify_until").map(Instant::ofEpochMilli));
  }
}
