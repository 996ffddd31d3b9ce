package io.ultrachat.chat.invite;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class SqliteInviteStoreIT extends InviteStoreContract {
  SqliteInviteStoreIT() {
    super(Backend.SQLITE);
  }
}
