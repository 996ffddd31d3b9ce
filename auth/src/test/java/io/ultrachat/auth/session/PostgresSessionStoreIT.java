package io.ultrachat.auth.session;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class PostgresSessionStoreIT extends SessionStoreContract {
  PostgresSessionStoreIT() {
    super(Backend.POSTGRESQL);
  }
}
