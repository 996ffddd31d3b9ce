package io.ultrachat.server.realtime;

import io.ultrachat.server.TestServer;

class SqliteResumeUnderLoadIT extends ResumeUnderLoadContract {
  SqliteResumeUnderLoadIT() {
    super(TestServer.Backend.SQLITE);
  }
}
