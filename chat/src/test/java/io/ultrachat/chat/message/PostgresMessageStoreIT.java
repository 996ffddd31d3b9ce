package io.ultrachat.chat.message;

import io.ultrachat.chat.StoreFixture.Backend;

class PostgresMessageStoreIT extends MessageStoreContract {
  PostgresMessageStoreIT() {
    super(Backend.POSTGRESQL);
  }
}
