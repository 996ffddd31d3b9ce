package io.ultrachat.chat.conversation;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class PostgresCachedConversationStoreIT extends ConversationStoreContract {
  PostgresCachedConversationStoreIT() {
    super(Backend.POSTGRESQL, true);
  }
}
