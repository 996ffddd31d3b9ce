package io.ultrachat.server.chat;

import io.ultrachat.server.TestServer;

class PostgresDmAndInviteApiIT extends DmAndInviteApiContract {
  PostgresDmAndInviteApiIT() {
    super(TestServer.Backend.POSTGRESQL);
  }
}
