package io.ultrachat.server.chat;

import io.ultrachat.server.TestServer;

class SqliteAttachmentApiIT extends AttachmentApiContract {
  SqliteAttachmentApiIT() {
    super(TestServer.Backend.SQLITE);
  }
}
