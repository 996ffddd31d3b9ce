package io.ultrachat.chat.conversation;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class SqliteConversationStoreIT extends ConversationStoreContract {
  SqliteConversationStoreIT() {
    super(Backend.SQLITE);
  }
}
