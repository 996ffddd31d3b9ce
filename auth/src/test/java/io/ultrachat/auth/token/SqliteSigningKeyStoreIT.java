package io.ultrachat.auth.token;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class SqliteSigningKeyStoreIT extends SigningKeyStoreContract {
  SqliteSigningKeyStoreIT() {
    super(Backend.SQLITE);
  }
}
