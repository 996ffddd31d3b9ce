package io.ultrachat.auth.account;

import io.ultrachat.auth.StoreFixture.Backend;

class SqliteUserStoreIT extends UserStoreContract {
  SqliteUserStoreIT() {
    super(Backend.SQLITE);
  }
}
