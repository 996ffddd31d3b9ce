package io.ultrachat.server.realtime;

import io.ultrachat.server.TestServer;

class PostgresRealtimeAuthorizationIT extends RealtimeAuthorizationContract {
  PostgresRealtimeAuthorizationIT() {
    super(TestServer.Backend.POSTGRESQL);
  }
}
