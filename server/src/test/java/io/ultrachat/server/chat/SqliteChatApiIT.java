package io.ultrachat.server.chat;

import io.ultrachat.server.TestServer;

class SqliteChatApiIT extends ChatApiContract {
  SqliteChatApiIT() {
    super(TestServer.Backend.SQLITE);
  }
}
