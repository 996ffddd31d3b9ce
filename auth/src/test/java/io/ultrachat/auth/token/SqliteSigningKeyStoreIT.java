package io.ultrachat.auth.token;

import io.ultrachat.auth.StoreFixture.Backend;

class SqliteSigningKeyStoreIT extends SigningKeyStoreContract {
  SqliteSigningKeyStoreIT() {
    super(Backend.SQLITE);
  }
}
