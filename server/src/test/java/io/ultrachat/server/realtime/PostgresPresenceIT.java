package io.ultrachat.server.realtime;

import io.ultrachat.server.TestServer;

class PostgresPresenceIT extends PresenceContract {
  PostgresPresenceIT() {
    super(TestServer.Backend.POSTGRESQL);
  }
}
