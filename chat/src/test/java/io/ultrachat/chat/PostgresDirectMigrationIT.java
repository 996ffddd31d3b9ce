package io.ultrachat.chat;

class PostgresDirectMigrationIT extends DirectMigrationContract {
  PostgresDirectMigrationIT() {
    super(io.ultrachat.testkit.store.StoreFixture.Backend.POSTGRESQL);
  }
}
