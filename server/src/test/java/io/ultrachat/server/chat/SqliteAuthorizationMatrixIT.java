package io.ultrachat.server.chat;

import io.ultrachat.server.TestServer;

class SqliteAuthorizationMatrixIT extends AuthorizationMatrixContract {
  SqliteAuthorizationMatrixIT() {
    super(TestServer.Backend.SQLITE);
  }
}
