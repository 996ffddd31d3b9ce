package io.ultrachat.chat.message;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class SqliteAppendBatchIT extends AppendBatchContract {
  SqliteAppendBatchIT() {
    super(Backend.SQLITE);
  }
}
