package io.ultrachat.auth.account;

import io.ultrachat.auth.StoreFixture.Backend;

class PostgresUserStoreIT extends UserStoreContract {
  PostgresUserStoreIT() {
    super(Backend.POSTGRESQL);
  }
}
