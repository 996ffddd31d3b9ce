package io.ultrachat.server.auth;

import io.ultrachat.server.TestServer;

class PostgresAuthApiIT extends AuthApiContract {
  PostgresAuthApiIT() {
    super(TestServer.Backend.POSTGRESQL);
  }
}
