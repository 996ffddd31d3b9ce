package io.ultrachat.chat.conversation;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class PostgresConversationStoreIT extends ConversationStoreContract {
  PostgresConversationStoreIT() {
    super(Backend.POSTGRESQL);
  }
}
