package io.ultrachat.auth.session;

import io.ultrachat.auth.StoreFixture.Backend;

class SqliteSessionStoreIT extends SessionStoreContract {
  SqliteSessionStoreIT() {
    super(Backend.SQLITE);
  }
}
