package io.ultrachat.auth.apitoken;

import io.ultrachat.auth.StoreFixture.Backend;

class SqliteApiTokenStoreIT extends ApiTokenStoreContract {
  SqliteApiTokenStoreIT() {
    super(Backend.SQLITE);
  }
}
