package io.ultrachat.chat.conversation;

import io.ultrachat.chat.StoreFixture.Backend;

class PostgresConversationStoreIT extends ConversationStoreContract {
  PostgresConversationStoreIT() {
    super(Backend.POSTGRESQL);
  }
}
