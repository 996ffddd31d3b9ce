package io.ultrachat.store.jdbc;

import java.sql.SQLException;

@FunctionalInterface
public interface SqlFunction<I, O> {
  O apply(I input) throws SQLException;
}
