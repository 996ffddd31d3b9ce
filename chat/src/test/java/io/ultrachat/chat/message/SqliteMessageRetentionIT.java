package io.ultrachat.chat.message;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class SqliteMessageRetentionIT extends MessageRetentionContract {
  SqliteMessageRetentionIT() {
    super(Backend.SQLITE);
  }
}
