package io.ultrachat.chat.conversation;

import io.ultrachat.chat.StoreFixture.Backend;

class SqliteConversationStoreIT extends ConversationStoreContract {
  SqliteConversationStoreIT() {
    super(Backend.SQLITE);
  }
}
