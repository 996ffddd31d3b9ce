package io.ultrachat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {
  @Test
  void libpqStyleUrlBecomesJdbcWithCredentialsApart() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://chat:s%40cret@db.example:6543/ultrachat?sslmode=require");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/ultrachat?sslmode=require");
    assertThat(url.dialect()).isEqualTo(Dialect.POSTGRESQL);
    assertThat(url.user()).contains("chat");
    assertThat(url.password()).contains("s@cret");
    assertThat(url.toString()).doesNotContain("s@cret");
  }

  @Test
  void defaultPortIs5432() {
    assertThat(DatabaseUrl.parse("postgres://u@localhost/test").jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/test");
  }

  @Test
  void jdbcUrlsPassThrough() {
    assertThat(DatabaseUrl.parse("jdbc:sqlite:/tmp/x.db").dialect()).isEqualTo(Dialect.SQLITE);
    assertThat(DatabaseUrl.parse("jdbc:postgresql://h/db").dialect()).isEqualTo(Dialect.POSTGRESQL);
  }

  @Test
  void unknownSchemeIsRejectedWithoutEchoingSecrets() {
    assertThatThrownBy(() -> DatabaseUrl.parse("mysql://root:hunter2@h/db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must start with postgresql://")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void missingDatabaseNameIsRejected() {
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u@host:5432/"))
        .hasMessageContaining("must name a database");
  }
}
