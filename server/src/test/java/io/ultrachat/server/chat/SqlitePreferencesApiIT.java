package io.ultrachat.server.chat;

import io.ultrachat.server.TestServer;

class SqlitePreferencesApiIT extends PreferencesApiContract {
  SqlitePreferencesApiIT() {
    super(TestServer.Backend.SQLITE);
  }
}
