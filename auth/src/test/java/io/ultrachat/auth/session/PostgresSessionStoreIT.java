package io.ultrachat.auth.session;

import io.ultrachat.auth.StoreFixture.Backend;

class PostgresSessionStoreIT extends SessionStoreContract {
  PostgresSessionStoreIT() {
    super(Backend.POSTGRESQL);
  }
}
