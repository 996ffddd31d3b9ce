package io.ultrachat.server.chat;

import io.ultrachat.server.TestServer;

class PostgresSearchApiIT extends SearchApiContract {
  PostgresSearchApiIT() {
    super(TestServer.Backend.POSTGRESQL);
  }
}
