package io.ultrachat.chat.workspace;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class SqliteWorkspaceStoreIT extends WorkspaceStoreContract {
  SqliteWorkspaceStoreIT() {
    super(Backend.SQLITE);
  }
}
