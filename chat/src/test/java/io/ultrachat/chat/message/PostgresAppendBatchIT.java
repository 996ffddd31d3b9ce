package io.ultrachat.chat.message;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class PostgresAppendBatchIT extends AppendBatchContract {
  PostgresAppendBatchIT() {
    super(Backend.POSTGRESQL);
  }
}
