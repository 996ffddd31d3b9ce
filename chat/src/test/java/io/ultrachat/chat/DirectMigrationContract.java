package io.ultrachat.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.testkit.store.StoreFixture.Backend;
import io.ultrachat.chat.conversation.Conversation;
import io.ultrachat.chat.conversation.ConversationMember;
import io.ultrachat.chat.conversation.ConversationStore;
import io.ultrachat.chat.conversation.JdbcConversationStore;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Migration V2 (direct conversations, invites) applied to a database that already holds V1
 * data: every conversation and membership survives, and the foreign keys still cascade. On
 * SQLite V2 rebuilds the conversation tables, which is what this guards.
 */
abstract class DirectMigrationContract extends MigrationFixture {
  DirectMigrationContract(Backend backend) {
    super(backend);
  }

  @Test
  void v2KeepsV1ConversationsAndMembershipsAndTheirCascade() {
    openAt("1");
    db.write(sql -> {
      sql.update("INSERT INTO chat_workspaces (id, name, created_by, created_at) VALUES (100, 'acme', 1, ?)",
          sql.time(StoreContract.BASE));
      sql.update("INSERT INTO chat_conversations (id, workspace_id, kind, name, topic, created_by, created_at, archived_at, last_seq)"
          + " VALUES (10, 100, 'public', 'General', 'hi', 1, ?, ?, 7)", sql.time(StoreContract.BASE), sql.time(StoreContract.BASE.plusSeconds(9)));
      sql.update("INSERT INTO chat_conversations (id, workspace_id, kind, name, created_by, created_at)"
          + " VALUES (11, 100, 'private', 'secret', 2, ?)", sql.time(StoreContract.BASE));
      for (long[] m : new long[][] {{10, 1, 7}, {10, 2, 3}, {11, 2, 0}}) {
        sql.update("INSERT INTO chat_conversation_members (conversation_id, user_id, joined_at, last_read_seq) VALUES (?, ?, ?, ?)",
            m[0], m[1], sql.time(StoreContract.BASE), m[2]);
      }
      return null;
    });

    migrateTo("latest");

    ConversationStore store = new JdbcConversationStore(db);
    assertThat(store.find(10)).contains(new Conversation(10, 100, Conversation.Kind.PUBLIC, "General", "hi", 1, StoreContract.BASE,
        Optional.of(StoreContract.BASE.plusSeconds(9)), 7));
    assertThat(store.listInWorkspace(100)).extracting(Conversation::id).containsExactly(10L, 11L);
    assertThat(store.member(10, 2)).contains(new ConversationMember(10, 2, StoreContract.BASE, 3));
    assertThat(store.lastSeqsOfMember(2)).containsOnlyKeys(10L, 11L);

    // The new kinds work, and deleting a conversation still takes its memberships with it.
    store.findOrCreateDirect(new Conversation(20, 100, Conversation.Kind.DM, "", "", 1, StoreContract.BASE, Optional.empty(), 0,
        List.of(1L, 2L)));
    assertThat(store.listDirectOfMember(100, 2)).extracting(Conversation::id).containsExactly(20L);
    db.write(sql -> sql.update("DELETE FROM chat_conversations WHERE id IN (10, 20)"));
    assertThat(count("SELECT COUNT(*) FROM chat_conversation_members")).isEqualTo(1);
    db.write(sql -> sql.update("DELETE FROM chat_workspaces WHERE id = 100"));
    assertThat(count("SELECT COUNT(*) FROM chat_conversations")).isZero();
    assertThat(count("SELECT COUNT(*) FROM chat_conversation_members")).isZero();
  }

  private long count(String query) {
    return db.read(sql -> sql.queryOne(query, rs -> rs.getLong(1)).orElseThrow());
  }
}
