package io.ultrachat.chat.workspace;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class PostgresWorkspaceStoreIT extends WorkspaceStoreContract {
  PostgresWorkspaceStoreIT() {
    super(Backend.POSTGRESQL);
  }
}
