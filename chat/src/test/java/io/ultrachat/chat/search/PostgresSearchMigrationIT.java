package io.ultrachat.chat.search;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class PostgresSearchMigrationIT extends SearchMigrationContract {
  PostgresSearchMigrationIT() {
    super(Backend.POSTGRESQL);
  }
}
