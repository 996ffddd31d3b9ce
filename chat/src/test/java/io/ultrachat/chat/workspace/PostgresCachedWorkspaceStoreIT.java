package io.ultrachat.chat.workspace;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class PostgresCachedWorkspaceStoreIT extends WorkspaceStoreContract {
  PostgresCachedWorkspaceStoreIT() {
    super(Backend.POSTGRESQL, true);
  }
}
