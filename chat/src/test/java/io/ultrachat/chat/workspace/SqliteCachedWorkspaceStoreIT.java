package io.ultrachat.chat.workspace;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class SqliteCachedWorkspaceStoreIT extends WorkspaceStoreContract {
  SqliteCachedWorkspaceStoreIT() {
    super(Backend.SQLITE, true);
  }
}
