package io.ultrachat.chat.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.testkit.store.Concurrently;
import io.ultrachat.chat.StoreContract;
import io.ultrachat.testkit.store.StoreFixture.Backend;
import io.ultrachat.chat.conversation.Conversation;
import io.ultrachat.chat.conversation.Conversation.Kind;
import io.ultrachat.chat.conversation.JdbcConversationStore;
import io.ultrachat.chat.message.MessageStore.NewMessage;
import io.ultrachat.chat.workspace.JdbcWorkspaceStore;
import io.ultrachat.chat.workspace.Workspace;
import io.ultrachat.kernel.id.IdGenerator;
import io.ultrachat.testkit.MutableClock;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.YearMonth;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The monthly partitions of {@code messages} on PostgreSQL: creation ahead and on demand,
 * routing of rows, pruning and retention. (On SQLite {@link MessagePartitions} is a no-op and
 * {@code messages} is a plain table, so there is nothing to test there.)
 */
class MessagePartitionsIT extends StoreContract {
  private static final long ALICE = 1;
  private static final long WORKSPACE = 100;
  private static final long GENERAL = 10;
  private static final Instant MAY_10 = Instant.parse("2026-05-10T12:00:00Z");
  private static final List<YearMonth> APRIL_TO_AUGUST = List.of(YearMonth.of(2026, 4), YearMonth.of(2026, 5),
      YearMonth.of(2026, 6), YearMonth.of(2026, 7), YearMonth.of(2026, 8));

  private MutableClock clock;
  private MessagePartitions partitions;
  private MessageStore store;

  MessagePartitionsIT() {
    super(Backend.POSTGRESQL);
  }

  @BeforeEach
  void createStoreAndConversation() {
    new JdbcWorkspaceStore(db()).create(new Workspace(WORKSPACE, "acme", ALICE, MAY_10));
    new JdbcConversationStore(db()).create(
        new Conversation(GENERAL, WORKSPACE, Kind.PUBLIC, "general", "", ALICE, MAY_10, Optional.empty(), 0));
    clock = new MutableClock(MAY_10);
    partitions = new MessagePartitions(db(), clock, 3);
    store = new JdbcMessageStore(db(), partitions);
  }

  private Message append(long id, Instant at) {
    return store.append(new NewMessage(id, GENERAL, ALICE, Optional.empty(), "message " + id, at)).message();
  }

  /** The partitions of this schema's {@code messages}, read from the catalog directly. */
  private List<String> partitionTables() {
    return db().read(sql -> sql.query("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        + " WHERE i.inhparent = 'messages'::regclass ORDER BY c.relname", rs -> rs.getString(1)));
  }

  /** The unqualified name of the partition a message row lives in. */
  private String partitionOf(long messageId) {
    String table = db().read(sql -> sql.queryOne("SELECT tableoid::regclass::text FROM messages WHERE id = ?",
        rs -> rs.getString(1), messageId)).orElseThrow(() -> new AssertionError("no message row " + messageId));
    return table.substring(table.lastIndexOf('.') + 1);
  }

  private String explain(String query, Object... params) {
    List<String> lines = db().read(sql -> sql.query("EXPLAIN " + query, rs -> rs.getString(1), params));
    return String.join("\n", lines);
  }

  // --- creation ---

  @Test
  void migrationCreatesAPartitionedTableWithoutPartitions() {
    assertThat(scalar("SELECT COUNT(*) FROM pg_partitioned_table WHERE partrelid = 'messages'::regclass")).isEqualTo(1);
    assertThat(partitions.months()).isEmpty();
    assertThat(partitionTables()).isEmpty();
  }

  @Test
  void ensureAheadCreatesLastMonthThroughMonthsAhead() {
    partitions.ensureAhead();

    assertThat(partitions.months()).containsExactlyElementsOf(APRIL_TO_AUGUST);
    assertThat(partitionTables()).containsExactly(
        "messages_y2026m04", "messages_y2026m05", "messages_y2026m06", "messages_y2026m07", "messages_y2026m08");
  }

  @Test
  void ensureAheadTwiceOrFromAnotherNodeIsHarmless() {
    partitions.ensureAhead();
    partitions.ensureAhead();
    // A second node (nothing cached) runs it too.
    new MessagePartitions(db(), clock, 3).ensureAhead();

    assertThat(partitions.months()).containsExactlyElementsOf(APRIL_TO_AUGUST);
    assertThat(partitionTables()).hasSize(5);
  }

  @Test
  void nodesStartingTogetherDoNotRace() {
    List<Concurrently.Outcome<Boolean>> outcomes = Concurrently.race(4, i -> () -> {
      new MessagePartitions(db(), clock, 3).ensureAhead();
      return true;
    });

    assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded, "every node succeeded");
    assertThat(partitions.months()).containsExactlyElementsOf(APRIL_TO_AUGUST);
  }

  @Test
  void ensureAheadFollowsTheClockAcrossYearEnd() {
    partitions.ensureAhead();
    clock.advance(java.time.Duration.ofDays(235)); // 2026-12-31

    partitions.ensureAhead();

    assertThat(partitions.months()).containsExactly(YearMonth.of(2026, 4), YearMonth.of(2026, 5), YearMonth.of(2026, 6),
        YearMonth.of(2026, 7), YearMonth.of(2026, 8), YearMonth.of(2026, 11), YearMonth.of(2026, 12),
        YearMonth.of(2027, 1), YearMonth.of(2027, 2), YearMonth.of(2027, 3));
  }

  @Test
  void ensureCoversCreatesOnlyThatMonth() {
    partitions.ensureCovers(Instant.parse("2026-09-30T23:59:59.999Z"));
    partitions.ensureCovers(Instant.parse("2026-09-01T00:00:00Z"));

    assertThat(partitions.months()).containsExactly(YearMonth.of(2026, 9));
    assertThat(partitionTables()).containsExactly("messages_y2026m09");
  }

  // --- routing ---

  @Test
  void rowsLandInTheirMonthsPartition() {
    partitions.ensureAhead();

    append(1000, Instant.parse("2026-04-20T08:00:00Z"));
    append(1001, Instant.parse("2026-06-03T08:00:00Z"));

    assertThat(partitionOf(1000)).isEqualTo("messages_y2026m04");
    assertThat(partitionOf(1001)).isEqualTo("messages_y2026m06");
    assertThat(scalar("SELECT COUNT(*) FROM messages_y2026m04")).isEqualTo(1);
    assertThat(scalar("SELECT COUNT(*) FROM messages_y2026m05")).isZero();
    assertThat(scalar("SELECT COUNT(*) FROM messages_y2026m06")).isEqualTo(1);
  }

  @Test
  void monthBoundariesAreHalfOpenInUtc() {
    partitions.ensureAhead();

    append(1000, Instant.parse("2026-05-01T00:00:00Z"));
    append(1001, Instant.parse("2026-05-31T23:59:59.999Z"));
    append(1002, Instant.parse("2026-06-01T00:00:00Z"));

    assertThat(partitionOf(1000)).isEqualTo("messages_y2026m05");
    assertThat(partitionOf(1001)).isEqualTo("messages_y2026m05");
    assertThat(partitionOf(1002)).isEqualTo("messages_y2026m06");
  }

  @Test
  void appendCreatesAMissingMonthOnDemand() {
    partitions.ensureAhead();
    assertThat(partitions.months()).doesNotContain(YearMonth.of(2027, 1));

    Message m = append(1000, Instant.parse("2027-01-15T10:00:00Z"));

    assertThat(m.seq()).isEqualTo(1);
    assertThat(partitions.months()).contains(YearMonth.of(2027, 1));
    assertThat(partitionOf(1000)).isEqualTo("messages_y2027m01");
    assertThat(store.find(GENERAL, 1000)).contains(m);
  }

  @Test
  void appendCreatesAMonthOnDemandEvenWithoutEnsureAhead() {
    Message m = append(1000, Instant.parse("2025-11-02T00:00:00Z"));

    assertThat(partitions.months()).containsExactly(YearMonth.of(2025, 11));
    assertThat(partitionOf(1000)).isEqualTo("messages_y2025m11");
    assertThat(store.after(GENERAL, 0, 10)).containsExactly(m);
  }

  // --- lookup by id ---

  @Test
  void aMessageIsFoundEditedAndDeletedByIdWhereverItsRowLies() {
    partitions.ensureAhead();
    IdGenerator ids = new IdGenerator(Clock.fixed(Instant.parse("2026-06-01T00:00:00.010Z"), ZoneOffset.UTC), 1);
    // Issued in June, stored in May: the id's time window spans both partitions.
    Message edge = append(ids.next(), Instant.parse("2026-05-31T23:59:59.999Z"));
    // Stored 33 days after its id's time: outside the window, found by the unbounded lookup.
    Message late = append(ids.next(), Instant.parse("2026-07-04T00:00:00Z"));
    Message handMade = append(1000, Instant.parse("2026-05-20T00:00:00Z"));
    assertThat(partitionOf(edge.id())).isEqualTo("messages_y2026m05");
    assertThat(partitionOf(late.id())).isEqualTo("messages_y2026m07");

    for (Message m : List.of(edge, late, handMade)) {
      assertThat(store.find(GENERAL, m.id())).contains(m);
      assertThat(store.find(GENERAL + 1, m.id())).as("another conversation's message").isEmpty();
      assertThat(store.edit(GENERAL, m.id(), "edited " + m.id(), MAY_10, Mentions.NONE)).hasValueSatisfying(e -> {
        assertThat(e.body()).contains("edited " + m.id());
        assertThat(e.seq()).isEqualTo(m.seq());
      });
      assertThat(store.delete(GENERAL, m.id(), MAY_10)).hasValueSatisfying(d -> assertThat(d.deleted()).isTrue());
    }
    assertThat(store.find(GENERAL, ids.next())).isEmpty();
    assertThat(scalar("SELECT COUNT(*) FROM messages WHERE deleted_at IS NOT NULL")).isEqualTo(3);
  }

  // --- pruning ---

  @Test
  void queriesFromAMonthOnScanOnlyPartitionsFromThatMonthOn() {
    partitions.ensureAhead();

    String plan = explain("SELECT * FROM messages WHERE created_at >= '2026-06-01T00:00:00Z'");

    assertThat(plan).contains("messages_y2026m06", "messages_y2026m07", "messages_y2026m08")
        .doesNotContain("messages_y2026m04", "messages_y2026m05");
  }

  @Test
  void conversationQueriesFromAMonthOnArePrunedToo() {
    partitions.ensureAhead();

    String literal = explain("SELECT * FROM messages WHERE thread_id = ? AND created_at >= '2026-06-01T00:00:00Z'", GENERAL);
    String bound = explain("SELECT * FROM messages WHERE thread_id = ? AND created_at >= ?", GENERAL,
        java.time.OffsetDateTime.parse("2026-06-01T00:00:00Z"));

    for (String plan : List.of(literal, bound)) {
      assertThat(plan).contains("messages_y2026m06").doesNotContain("messages_y2026m04", "messages_y2026m05");
    }
  }

  @Test
  void aClosedRangeScansOnlyItsMonth() {
    partitions.ensureAhead();

    String plan = explain("SELECT * FROM messages WHERE thread_id = ? AND created_at >= '2026-06-01T00:00:00Z'"
        + " AND created_at < '2026-07-01T00:00:00Z'", GENERAL);

    assertThat(plan).contains("messages_y2026m06")
        .doesNotContain("messages_y2026m04", "messages_y2026m05", "messages_y2026m07", "messages_y2026m08");
  }

  // --- retention ---

  @Test
  void dropEndingBeforeDropsExactlyTheMonthsThatHaveEnded() {
    partitions.ensureAhead();
    append(1000, Instant.parse("2026-04-20T00:00:00Z"));
    append(1001, Instant.parse("2026-05-31T23:59:59.999Z"));
    Message june = append(1002, Instant.parse("2026-06-01T00:00:00Z"));
    Message july = append(1003, Instant.parse("2026-07-04T00:00:00Z"));
    ExtrasStore extras = new ExtrasStore(db());
    for (long id = 1000; id <= 1003; id++) {
      extras.addReaction(id + 100, GENERAL, id, ALICE, "tada", MAY_10, 20);
      extras.pin(id + 200, GENERAL, id, ALICE, MAY_10, 100);
    }

    List<YearMonth> dropped = partitions.dropEndingBefore(Instant.parse("2026-06-01T00:00:00Z"));

    assertThat(dropped).containsExactly(YearMonth.of(2026, 4), YearMonth.of(2026, 5));
    assertThat(partitions.months()).containsExactly(YearMonth.of(2026, 6), YearMonth.of(2026, 7), YearMonth.of(2026, 8));
    assertThat(partitionTables()).containsExactly("messages_y2026m06", "messages_y2026m07", "messages_y2026m08");
    assertThat(scalar("SELECT COUNT(*) FROM pg_class WHERE relname IN ('messages_y2026m04', 'messages_y2026m05')"
        + " AND pg_table_is_visible(oid)")).isZero();
    assertThat(scalar("SELECT COUNT(*) FROM messages WHERE id IN (1000, 1001)")).isZero();
    assertThat(store.find(GENERAL, 1000)).isEmpty();
    assertThat(store.find(GENERAL, 1001)).isEmpty();
    assertThat(store.find(GENERAL, 1002)).contains(june);
    assertThat(partitionOf(1002)).isEqualTo("messages_y2026m06");
    assertThat(store.after(GENERAL, 0, 10)).containsExactly(june, july);
    // Regression: retention left the unpartitioned companions of dropped messages behind.
    for (String companions : List.of("chat_message_reactions", "chat_pins")) {
      assertThat(scalar("SELECT COUNT(*) FROM " + companions + " WHERE message_id IN (1000, 1001)")).as(companions).isZero();
      assertThat(scalar("SELECT COUNT(*) FROM " + companions + " WHERE message_id IN (1002, 1003)")).as(companions).isEqualTo(2);
    }
  }

  @Test
  void aMonthIsNotDroppedBeforeItsRangeHasEnded() {
    partitions.ensureAhead();
    Message june = append(1002, Instant.parse("2026-06-10T00:00:00Z"));
    assertThat(partitions.dropEndingBefore(Instant.parse("2026-06-01T00:00:00Z"))).hasSize(2);

    assertThat(partitions.dropEndingBefore(Instant.parse("2026-06-15T00:00:00Z"))).isEmpty();
    assertThat(partitions.dropEndingBefore(Instant.parse("2026-06-30T23:59:59.999Z"))).isEmpty();

    assertThat(partitions.months()).containsExactly(YearMonth.of(2026, 6), YearMonth.of(2026, 7), YearMonth.of(2026, 8));
    assertThat(store.find(GENERAL, 1002)).contains(june);

    // Its range [06-01, 07-01) ends exactly at this cutoff.
    assertThat(partitions.dropEndingBefore(Instant.parse("2026-07-01T00:00:00Z"))).containsExactly(YearMonth.of(2026, 6));
    assertThat(partitions.months()).containsExactly(YearMonth.of(2026, 7), YearMonth.of(2026, 8));
  }

  @Test
  void dropEndingBeforeWithNothingEndedDropsNothing() {
    partitions.ensureAhead();

    assertThat(partitions.dropEndingBefore(Instant.parse("2026-01-01T00:00:00Z"))).isEmpty();
    assertThat(partitions.dropEndingBefore(Instant.parse("2026-04-30T23:59:59Z"))).isEmpty();
    assertThat(partitions.months()).containsExactlyElementsOf(APRIL_TO_AUGUST);
  }

  @Test
  void appendStillWorksAfterRetention() {
    partitions.ensureAhead();
    append(1000, Instant.parse("2026-04-20T00:00:00Z"));
    partitions.dropEndingBefore(Instant.parse("2026-06-01T00:00:00Z"));

    Message m = append(1001, Instant.parse("2026-06-02T00:00:00Z"));

    assertThat(m.seq()).isEqualTo(2);
    assertThat(partitionOf(1001)).isEqualTo("messages_y2026m06");
  }
}
