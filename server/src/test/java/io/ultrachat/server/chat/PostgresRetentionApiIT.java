package io.ultrachat.server.chat;

import io.ultrachat.server.TestServer;

class PostgresRetentionApiIT extends RetentionApiContract {
  PostgresRetentionApiIT() {
    super(TestServer.Backend.POSTGRESQL);
  }
}
