package io.ultrachat.server.chat;

import io.ultrachat.server.TestServer;

class SqliteDmAndInviteApiIT extends DmAndInviteApiContract {
  SqliteDmAndInviteApiIT() {
    super(TestServer.Backend.SQLITE);
  }
}
