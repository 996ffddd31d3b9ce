package io.ultrachat.chat.message;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class SqliteMessageStoreIT extends MessageStoreContract {
  SqliteMessageStoreIT() {
    super(Backend.SQLITE);
  }
}
