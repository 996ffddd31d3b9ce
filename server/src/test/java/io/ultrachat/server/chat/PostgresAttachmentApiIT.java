package io.ultrachat.server.chat;

import io.ultrachat.server.TestServer;

class PostgresAttachmentApiIT extends AttachmentApiContract {
  PostgresAttachmentApiIT() {
    super(TestServer.Backend.POSTGRESQL);
  }
}
