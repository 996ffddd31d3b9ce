package io.ultrachat.server.chat;

import io.ultrachat.server.TestServer;

class PostgresAuthorizationMatrixIT extends AuthorizationMatrixContract {
  PostgresAuthorizationMatrixIT() {
    super(TestServer.Backend.POSTGRESQL);
  }
}
