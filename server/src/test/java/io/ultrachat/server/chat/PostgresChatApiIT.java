package io.ultrachat.server.chat;

import io.ultrachat.server.TestServer;

class PostgresChatApiIT extends ChatApiContract {
  PostgresChatApiIT() {
    super(TestServer.Backend.POSTGRESQL);
  }
}
