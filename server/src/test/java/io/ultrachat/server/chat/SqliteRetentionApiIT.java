package io.ultrachat.server.chat;

import io.ultrachat.server.TestServer;

class SqliteRetentionApiIT extends RetentionApiContract {
  SqliteRetentionApiIT() {
    super(TestServer.Backend.SQLITE);
  }
}
