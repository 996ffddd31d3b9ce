package io.ultrachat.chat;

class SqliteDirectMigrationIT extends DirectMigrationContract {
  SqliteDirectMigrationIT() {
    super(StoreFixture.Backend.SQLITE);
  }
}
