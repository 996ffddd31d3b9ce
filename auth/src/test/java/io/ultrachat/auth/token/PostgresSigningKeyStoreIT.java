package io.ultrachat.auth.token;

import io.ultrachat.auth.StoreFixture.Backend;

class PostgresSigningKeyStoreIT extends SigningKeyStoreContract {
  PostgresSigningKeyStoreIT() {
    super(Backend.POSTGRESQL);
  }


}
