package io.ultrachat.auth.token;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class PostgresSigningKeyStoreIT extends SigningKeyStoreContract {
  PostgresSigningKeyStoreIT() {
    super(Backend.POSTGRESQL);
  }


}
