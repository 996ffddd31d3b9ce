package io.ultrachat.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Statement helpers over one connection: the small JDBC vocabulary every store shares.
 * Parameters may be {@code null}, {@link Optional}, {@code Long}, {@code Integer},
 * {@code Boolean}, {@code String} or {@code byte[]}; booleans are written as 0/1 integers on
 * SQLite and as booleans on PostgreSQL by the driver.
 */
public final class Sql {
  private final Connection connection;
  private final Dialect dialect;

  Sql(Connection connection, Dialect dialect) {
    this.connection = connection;
    this.dialect = dialect;
  }

  public Dialect dialect() {
    return dialect;
  }

  /**
   * Serialises this transaction against every other writer of {@code table} until it ends,
   * for check-then-write sequences that a unique index cannot guard. On PostgreSQL this takes
   * an EXCLUSIVE table lock (readers are not blocked); on SQLite it does nothing, because
   * {@code BEGIN IMMEDIATE} already makes writers run one at a time. Use only inside
   * {@link Database#write} and only for rare operations.
   */
  public void lockTable(String table) throws SQLException {
    if (!table.matches("[a-z_]+")) {
      throw new IllegalArgumentException("not a table name: " + table);
    }
    if (dialect == Dialect.POSTGRESQL) {
      update("LOCK TABLE " + table + " IN EXCLUSIVE MODE");
    }
  }

  public Connection connection() {
    return connection;
  }

  public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
    try (PreparedStatement ps = prepare(sql, params)) {
      return rows(ps.executeQuery(), mapper);
    }
  }

  public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
    try (PreparedStatement ps = prepare(sql, params); ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(mapper.map(rs)) : Optional.empty();
    }
  }

  /** What {@link #queryTogether} read: each query's rows. */
  public record Together<A, B>(List<A> first, List<B> second) {}

  /**
   * PostgreSQL: two queries sent in one round trip (the driver pipelines them); the second runs
   * after the first has finished, under a snapshot of its own, exactly as if sent after it. Saves a
   * round trip where the second query does not depend on the first's rows, only on its effects
   * (e.g. locks it took). {@code params} are the first query's then the second's.
   */
  public <A, B> Together<A, B> queryTogether(String first, RowMapper<A> firstMapper, String second, RowMapper<B> secondMapper,
      Object... params) throws SQLException {
    if (dialect != Dialect.POSTGRESQL) {
      throw new UnsupportedOperationException("queryTogether is for PostgreSQL; run the queries one by one");
    }
    try (PreparedStatement ps = prepare(first + ";\n" + second, params)) {
      if (!ps.execute()) {
        throw new IllegalStateException("the first of two queries returned no rows: " + first);
      }
      List<A> a = rows(ps.getResultSet(), firstMapper);
      if (!ps.getMoreResults()) {
        throw new IllegalStateException("the second of two queries returned no rows: " + second);
      }
      return new Together<>(a, rows(ps.getResultSet(), secondMapper));
    }
  }

  private static <T> List<T> rows(ResultSet rs, RowMapper<T> mapper) throws SQLException {
    try (rs) {
      List<T> out = new ArrayList<>();
      while (rs.next()) {
        out.add(mapper.map(rs));
      }
      return out;
    }
  }

  public int update(String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = prepare(sql, params)) {
      return ps.executeUpdate();
    }
  }

  /**
   * Runs one statement once per row of parameters as a JDBC batch: one round trip instead of
   * one per row (on PostgreSQL the driver also rewrites batched inserts into multi-row
   * {@code INSERT}s). Does nothing for no rows.
   *
   * @return the update count of each row
   */
  public int[] batch(String sql, List<Object[]> rows) throws SQLException {
    if (rows.isEmpty()) {
      return new int[0];
    }
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (Object[] row : rows) {
        bind(ps, row);
        ps.addBatch();
      }
      return ps.executeBatch();
    }
  }

  private PreparedStatement prepare(String sql, Object... params) throws SQLException {
    PreparedStatement ps = connection.prepareStatement(sql);
    try {
      bind(ps, params);
      return ps;
    } catch (SQLException e) {
      ps.close();
      throw e;
    }
  }

  private static void bind(PreparedStatement ps, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      Object p = params[i] instanceof Optional<?> o ? o.orElse(null) : params[i];
      if (p == null) {
        ps.setNull(i + 1, Types.NULL);
      } else {
        ps.setObject(i + 1, p);
      }
    }
  }

  /**
   * An instant as this dialect stores it: {@code TIMESTAMPTZ} on PostgreSQL (so it can
   * partition and prune by time), epoch milliseconds on SQLite.
   */
  public Object time(Instant t) {
    return dialect == Dialect.POSTGRESQL ? OffsetDateTime.ofInstant(t, ZoneOffset.UTC) : (Object) t.toEpochMilli();
  }

  /** A time column written by {@link #time}; empty if NULL. */
  public Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
    if (dialect == Dialect.POSTGRESQL) {
      OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
      return t == null ? Optional.empty() : Optional.of(t.toInstant());
    }
    long millis = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
  }

  /** A NOT NULL time column written by {@link #time}. */
  public Instant requiredInstant(ResultSet rs, String column) throws SQLException {
    return instant(rs, column).orElseThrow(() -> new SQLException("column " + column + " is NULL"));
  }

  /** A nullable BIGINT column. */
  public static Optional<Long> optionalLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(v);
  }

  /** A nullable text column. */
  public static Optional<String> optionalString(ResultSet rs, String column) throws SQLException {
    return Optional.ofNullable(rs.getString(column));
  }
}
