package io.ultrachat.chat.message;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class PostgresMessageRetentionIT extends MessageRetentionContract {
  PostgresMessageRetentionIT() {
    super(Backend.POSTGRESQL);
  }
}
