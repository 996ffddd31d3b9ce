package io.ultrachat.server.realtime;

import io.ultrachat.server.TestServer;

class PostgresResumeUnderLoadIT extends ResumeUnderLoadContract {
  PostgresResumeUnderLoadIT() {
    super(TestServer.Backend.POSTGRESQL);
  }
}
