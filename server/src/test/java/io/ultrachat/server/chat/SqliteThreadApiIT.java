package io.ultrachat.server.chat;

import io.ultrachat.server.TestServer;

class SqliteThreadApiIT extends ThreadApiContract {
  SqliteThreadApiIT() {
    super(TestServer.Backend.SQLITE);
  }
}
