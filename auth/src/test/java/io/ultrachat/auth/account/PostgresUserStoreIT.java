package io.ultrachat.auth.account;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class PostgresUserStoreIT extends UserStoreContract {
  PostgresUserStoreIT() {
    super(Backend.POSTGRESQL);
  }
}
