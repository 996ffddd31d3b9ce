package io.ultrachat.chat.message;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class PostgresExtrasStoreIT extends ExtrasStoreContract {
  PostgresExtrasStoreIT() {
    super(Backend.POSTGRESQL);
  }
}
