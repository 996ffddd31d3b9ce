package io.ultrachat.auth.apitoken;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class PostgresApiTokenStoreIT extends ApiTokenStoreContract {
  PostgresApiTokenStoreIT() {
    super(Backend.POSTGRESQL);
  }
}
