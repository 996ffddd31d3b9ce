package io.ultrachat.server.chat;

import io.ultrachat.server.TestServer;

class SqliteReactionPinMentionApiIT extends ReactionPinMentionApiContract {
  SqliteReactionPinMentionApiIT() {
    super(TestServer.Backend.SQLITE);
  }
}
