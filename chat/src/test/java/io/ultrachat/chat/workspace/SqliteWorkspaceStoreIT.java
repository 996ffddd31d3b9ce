package io.ultrachat.chat.workspace;

import io.ultrachat.chat.StoreFixture.Backend;

class SqliteWorkspaceStoreIT extends WorkspaceStoreContract {
  SqliteWorkspaceStoreIT() {
    super(Backend.SQLITE);
  }
}
