package io.ultrachat.server.chat;

import io.ultrachat.server.TestServer;

class PostgresPreferencesApiIT extends PreferencesApiContract {
  PostgresPreferencesApiIT() {
    super(TestServer.Backend.POSTGRESQL);
  }
}
