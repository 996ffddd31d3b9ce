package io.ultrachat.chat.message;

import io.ultrachat.chat.StoreFixture.Backend;

class SqliteMessageStoreIT extends MessageStoreContract {
  SqliteMessageStoreIT() {
    super(Backend.SQLITE);
  }
}
