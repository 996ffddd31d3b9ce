package io.ultrachat.chat.search;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class SqliteSearchStoreIT extends SearchStoreContract {
  SqliteSearchStoreIT() {
    super(Backend.SQLITE);
  }
}
