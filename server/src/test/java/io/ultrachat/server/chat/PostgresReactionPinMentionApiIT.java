package io.ultrachat.server.chat;

import io.ultrachat.server.TestServer;

class PostgresReactionPinMentionApiIT extends ReactionPinMentionApiContract {
  PostgresReactionPinMentionApiIT() {
    super(TestServer.Backend.POSTGRESQL);
  }
}
