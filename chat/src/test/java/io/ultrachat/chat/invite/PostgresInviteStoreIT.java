package io.ultrachat.chat.invite;

import io.ultrachat.chat.StoreFixture.Backend;

class PostgresInviteStoreIT extends InviteStoreContract {
  PostgresInviteStoreIT() {
    super(Backend.POSTGRESQL);
  }
}
