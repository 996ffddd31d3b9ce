package io.ultrachat.chat.workspace;

import io.ultrachat.chat.StoreFixture.Backend;

class PostgresWorkspaceStoreIT extends WorkspaceStoreContract {
  PostgresWorkspaceStoreIT() {
    super(Backend.POSTGRESQL);
  }
}
