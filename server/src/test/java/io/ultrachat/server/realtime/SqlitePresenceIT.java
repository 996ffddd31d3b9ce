package io.ultrachat.server.realtime;

import io.ultrachat.server.TestServer;

class SqlitePresenceIT extends PresenceContract {
  SqlitePresenceIT() {
    super(TestServer.Backend.SQLITE);
  }
}
