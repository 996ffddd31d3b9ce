package io.ultrachat.server.web;

import io.ultrachat.server.TestServer;

/** The core two-user browser tests against a server on PostgreSQL. */
class PostgresChatWebClientIT extends ChatBrowserTestBase {
  @Override
  protected TestServer.Backend backend() {
    return TestServer.Backend.POSTGRESQL;
  }
}
