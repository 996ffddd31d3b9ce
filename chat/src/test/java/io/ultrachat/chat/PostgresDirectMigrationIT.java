package io.ultrachat.chat;

class PostgresDirectMigrationIT extends DirectMigrationContract {
  PostgresDirectMigrationIT() {
    super(StoreFixture.Backend.POSTGRESQL);
  }
}
