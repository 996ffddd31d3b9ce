package io.ultrachat.auth.session;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class SqliteSessionStoreIT extends SessionStoreContract {
  SqliteSessionStoreIT() {
    super(Backend.SQLITE);
  }
}
