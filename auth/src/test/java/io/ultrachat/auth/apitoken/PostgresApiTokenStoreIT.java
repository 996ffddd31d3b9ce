package io.ultrachat.auth.apitoken;

import io.ultrachat.auth.StoreFixture.Backend;

class PostgresApiTokenStoreIT extends ApiTokenStoreContract {
  PostgresApiTokenStoreIT() {
    super(Backend.POSTGRESQL);
  }
}
