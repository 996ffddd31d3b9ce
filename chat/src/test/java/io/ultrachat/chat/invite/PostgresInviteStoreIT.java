package io.ultrachat.chat.invite;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class PostgresInviteStoreIT extends InviteStoreContract {
  PostgresInviteStoreIT() {
    super(Backend.POSTGRESQL);
  }
}
