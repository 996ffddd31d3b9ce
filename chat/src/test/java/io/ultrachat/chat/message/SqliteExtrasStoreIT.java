package io.ultrachat.chat.message;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class SqliteExtrasStoreIT extends ExtrasStoreContract {
  SqliteExtrasStoreIT() {
    super(Backend.SQLITE);
  }
}
