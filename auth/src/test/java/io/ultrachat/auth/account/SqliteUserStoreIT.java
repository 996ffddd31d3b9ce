package io.ultrachat.auth.account;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class SqliteUserStoreIT extends UserStoreContract {
  SqliteUserStoreIT() {
    super(Backend.SQLITE);
  }
}
