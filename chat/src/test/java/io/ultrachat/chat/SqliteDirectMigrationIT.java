package io.ultrachat.chat;

class SqliteDirectMigrationIT extends DirectMigrationContract {
  SqliteDirectMigrationIT() {
    super(io.ultrachat.testkit.store.StoreFixture.Backend.SQLITE);
  }
}
