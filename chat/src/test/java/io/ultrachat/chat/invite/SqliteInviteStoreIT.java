package io.ultrachat.chat.invite;

import io.ultrachat.chat.StoreFixture.Backend;

class SqliteInviteStoreIT extends InviteStoreContract {
  SqliteInviteStoreIT() {
    super(Backend.SQLITE);
  }
}
