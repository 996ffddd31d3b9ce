package io.ultrachat.chat.conversation;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class SqliteCachedConversationStoreIT extends ConversationStoreContract {
  SqliteCachedConversationStoreIT() {
    super(Backend.SQLITE, true);
  }
}
