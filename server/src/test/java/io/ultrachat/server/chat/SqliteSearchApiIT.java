package io.ultrachat.server.chat;

import io.ultrachat.server.TestServer;

class SqliteSearchApiIT extends SearchApiContract {
  SqliteSearchApiIT() {
    super(TestServer.Backend.SQLITE);
  }
}
