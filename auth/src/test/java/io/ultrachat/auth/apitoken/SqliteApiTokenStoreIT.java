package io.ultrachat.auth.apitoken;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class SqliteApiTokenStoreIT extends ApiTokenStoreContract {
  SqliteApiTokenStoreIT() {
    super(Backend.SQLITE);
  }
}
