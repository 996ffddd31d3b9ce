package io.ultrachat.chat.message;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class SqliteThreadStoreIT extends ThreadStoreContract {
  SqliteThreadStoreIT() {
    super(Backend.SQLITE);
  }
}
