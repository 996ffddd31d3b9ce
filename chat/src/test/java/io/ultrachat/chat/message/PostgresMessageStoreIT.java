package io.ultrachat.chat.message;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class PostgresMessageStoreIT extends MessageStoreContract {
  PostgresMessageStoreIT() {
    super(Backend.POSTGRESQL);
  }
}
