package io.ultrachat.server.auth;

import io.ultrachat.server.TestServer;

class SqliteAuthApiIT extends AuthApiContract {
  SqliteAuthApiIT() {
    super(TestServer.Backend.SQLITE);
  }
}
