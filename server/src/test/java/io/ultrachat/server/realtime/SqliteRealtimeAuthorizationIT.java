package io.ultrachat.server.realtime;

import io.ultrachat.server.TestServer;

class SqliteRealtimeAuthorizationIT extends RealtimeAuthorizationContract {
  SqliteRealtimeAuthorizationIT() {
    super(TestServer.Backend.SQLITE);
  }
}
