package io.ultrachat.chat.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.chat.MigrationFixture;
import io.ultrachat.chat.StoreContract;
import io.ultrachat.chat.message.MessagePartitions;
import io.ultrachat.testkit.MutableClock;
import io.ultrachat.testkit.store.StoreFixture.Backend;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Migration V6 (search) on a database that already holds messages: they are searchable at once
 * (SQLite rebuilds the FTS index, PostgreSQL computes the generated column for existing rows),
 * and tombstones are not.
 */
abstract class SearchMigrationContract extends MigrationFixture {
  SearchMigrationContract(Backend backend) {
    super(backend);
  }

  @Test
  void v6IndexesTheMessagesThatAlreadyExist() {
    openAt("5");
    Instant at = StoreContract.BASE;
    new MessagePartitions(db, new MutableClock(at), 1).ensureAhead();
    db.write(sql -> {
      sql.update("INSERT INTO chat_workspaces (id, name, created_by, created_at) VALUES (100, 'acme', 1, ?)", sql.time(at));
      sql.update("INSERT INTO chat_conversations (id, workspace_id, kind, name, created_by, created_at, last_seq)"
          + " VALUES (10, 100, 'public', 'general', 1, ?, 3)", sql.time(at));
      Object[][] rows = {{1000L, 1L, "kept before the upgrade", null}, {1001L, 2L, null, at}, {1002L, 3L, "also kept", null}};
      for (Object[] r : rows) {
        sql.update("INSERT INTO messages (id, thread_id, seq, user_id, body, created_at, deleted_at) VALUES (?, 10, ?, 1, ?, ?, ?)",
            r[0], r[1], r[2], sql.time(at), r[3] == null ? null : sql.time((Instant) r[3]));
      }
      return null;
    });

    migrateTo("latest");

    SearchStore store = SearchStore.on(db);
    List<Long> kept = store.search(new SearchStore.Query(SearchTerms.parse("kept"), List.of(10L), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), 10)).stream().map(SearchStore.Hit::messageId).toList();
    assertThat(kept).containsExactly(1002L, 1000L);
    // The index follows changes made after the upgrade too.
    db.write(sql -> sql.update("UPDATE messages SET body = NULL, deleted_at = ? WHERE id = 1000", sql.time(at)));
    assertThat(store.search(new SearchStore.Query(SearchTerms.parse("upgrade"), List.of(10L), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), 10))).isEmpty();
  }
}
