package io.ultrachat.server.chat;

import io.ultrachat.server.TestServer;

class PostgresThreadApiIT extends ThreadApiContract {
  PostgresThreadApiIT() {
    super(TestServer.Backend.POSTGRESQL);
  }
}
