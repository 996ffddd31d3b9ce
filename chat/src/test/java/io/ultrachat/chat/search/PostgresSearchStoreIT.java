package io.ultrachat.chat.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.chat.message.MessagePartitions;
import io.ultrachat.testkit.MutableClock;
import io.ultrachat.testkit.store.StoreFixture.Backend;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The contract on PostgreSQL, plus what is PostgreSQL's own: the GIN index on the partitioned table. */
class PostgresSearchStoreIT extends SearchStoreContract {
  PostgresSearchStoreIT() {
    super(Backend.POSTGRESQL);
  }

  @Test
  void everyPartitionHasTheGeneratedColumnAndItsGinIndexWithAOneMegabytePendingListIncludingLaterOnes() {
    send(GENERAL, ALICE, "january");
    new MessagePartitions(db(), new MutableClock(Instant.parse("2026-06-15T00:00:00Z")), 2).ensureAhead();

    List<String> partitions = db().read(sql -> sql.query("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        + " WHERE i.inhparent = 'messages'::regclass ORDER BY c.relname", rs -> rs.getString(1)));
    assertThat(partitions).hasSizeGreaterThan(3);
    for (String partition : partitions) {
      assertThat(scalar("SELECT COUNT(*) FROM pg_indexes WHERE tablename = ? AND schemaname = current_schema()"
          + " AND indexdef LIKE '%USING gin (body_tsv) WITH (gin_pending_list_limit=%1024%)'", partition)).as(partition).isEqualTo(1);
      assertThat(scalar("SELECT COUNT(*) FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema()"
          + " AND column_name = 'body_tsv' AND is_generated = 'ALWAYS'", partition)).as(partition).isEqualTo(1);
    }
  }

  @Test
  void theCleanerEmptiesEveryPartitionsPendingListAndTheWordsStayFindable() {
    send(GENERAL, ALICE, "january haystack");
    new MessagePartitions(db(), new MutableClock(Instant.parse("2026-06-15T00:00:00Z")), 2).ensureAhead();
    db().write(sql -> sql.update("INSERT INTO messages (id, thread_id, seq, user_id, body, created_at)"
        + " SELECT 200000 + g, 10, 200000 + g, 2, 'june filler ' || g, timestamptz '2026-06-20 00:00Z' FROM generate_series(1, 300) g"));

    SearchIndexCleaner cleaner = SearchIndexCleaner.manual(db());
    // PostgreSQL's own count of the pending-list pages merged: the inserts left their words there.
    assertThat(cleaner.clean()).hasValueSatisfying(pages -> assertThat(pages).isPositive());
    assertThat(cleaner.clean()).as("nothing left pending").contains(0L);
    assertThat(find("haystack")).hasSize(1);
  }

  @Test
  void aCleanerSkipsItsTurnWhileAnotherSessionCleans() throws Exception {
    send(GENERAL, ALICE, "pending words");
    try (java.sql.Connection other = db().dataSource().getConnection()) {
      other.setAutoCommit(false);
      try (var lock = other.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(current_schema()))")) {
        lock.setInt(1, SearchIndexCleaner.LOCK_CLASS);
        lock.execute();
      }
      assertThat(SearchIndexCleaner.manual(db()).clean()).isEmpty();
      other.rollback();
    }
    // The skipped turn left the list as it was: this one merges the words.
    assertThat(SearchIndexCleaner.manual(db()).clean()).hasValueSatisfying(pages -> assertThat(pages).isPositive());
  }

  @Test
  void theSearchStatementCanUseTheGinIndex() {
    send(GENERAL, ALICE, "the needle in the haystack");
    // Enough other messages in the same conversations that their thread index is no shortcut.
    db().write(sql -> sql.update("INSERT INTO messages (id, thread_id, seq, user_id, body, created_at)"
        + " SELECT 100000 + g, 10 + g % 2, 100000 + g, 2 + g % 40, 'filler message number ' || g, ? + g * interval '5 minutes'"
        + " FROM generate_series(1, 5000) g", sql.time(BASE)));
    db().write(sql -> sql.update("ANALYZE messages"));

    for (String q : List.of("needle", "needle hay", "haystack")) {
      SearchStore.Query query = new SearchStore.Query(SearchTerms.parse(q), List.of(GENERAL, RANDOM), Optional.empty(),
          Optional.of(BASE), Optional.of(BASE.plus(java.time.Duration.ofDays(20))), Optional.of(new SearchStore.Position(2, Long.MAX_VALUE)),
          20);
      String plan = String.join("\n", ((PostgresSearchStore) store).plan(query));

      assertThat(plan).as(plan).contains("Bitmap Index Scan on messages_y2026m01_body_tsv_idx").doesNotContain("Seq Scan");
      assertThat(store.search(query)).hasSize(1);
    }
  }
}
