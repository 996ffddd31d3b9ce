package io.ultrachat.chat.message;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class PostgresThreadStoreIT extends ThreadStoreContract {
  PostgresThreadStoreIT() {
    super(Backend.POSTGRESQL);
  }
}
