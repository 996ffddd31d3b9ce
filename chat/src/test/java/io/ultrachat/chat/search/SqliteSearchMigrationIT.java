package io.ultrachat.chat.search;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class SqliteSearchMigrationIT extends SearchMigrationContract {
  SqliteSearchMigrationIT() {
    super(Backend.SQLITE);
  }
}
