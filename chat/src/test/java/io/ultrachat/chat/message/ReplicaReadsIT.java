package io.ultrachat.chat.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ultrachat.chat.conversation.Conversation;
import io.ultrachat.chat.conversation.Conversation.Kind;
import io.ultrachat.chat.conversation.JdbcConversationStore;
import io.ultrachat.chat.search.SearchStore;
import io.ultrachat.chat.search.SearchTerms;
import io.ultrachat.chat.workspace.JdbcWorkspaceStore;
import io.ultrachat.chat.workspace.Workspace;
import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.DatabaseUrl;
import io.ultrachat.store.jdbc.ReplicaOptions;
import io.ultrachat.store.jdbc.ReplicaRouter;
import io.ultrachat.store.jdbc.ReplicaRouter.PrimaryReason;
import io.ultrachat.testkit.MutableClock;
import io.ultrachat.testkit.PostgresSchemas;
import io.ultrachat.testkit.StreamingReplica;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * History and search reads against a real streaming replica of the test server: the reader's own
 * writes are always visible, other readers use the replica, and a lagging or dead replica is
 * routed around without errors. The replica is stopped by the last test.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicaReadsIT {
  private static final long ALICE = 1;
  private static final long BOB = 2;
  private static final long WORKSPACE = 100;
  private static final long GENERAL = 10;
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");

  private static StreamingReplica replica;
  private static String schemaUrl;
  private static Database db;
  private static JdbcMessageStore messages;
  private static SearchStore search;
  private static final AtomicLong ids = new AtomicLong(1000);

  @BeforeAll
  static void startReplica() {
    replica = StreamingReplica.start();
    schemaUrl = PostgresSchemas.createSchema();
    db = open(Duration.ofMinutes(5));
    db.migrate("chat");
    new JdbcWorkspaceStore(db).create(new Workspace(WORKSPACE, "acme", ALICE, BASE));
    new JdbcConversationStore(db).create(new Conversation(GENERAL, WORKSPACE, Kind.PUBLIC, "general", "", ALICE, BASE,
        Optional.empty(), 0));
    messages = new JdbcMessageStore(db, new MessagePartitions(db, new MutableClock(BASE), 3));
    search = SearchStore.on(db);
    replica.awaitCaughtUp();
  }

  @AfterAll
  static void stopReplica() {
    try {
      if (db != null) {
        db.close();
      }
      if (schemaUrl != null) {
        PostgresSchemas.dropSchema(schemaUrl);
      }
    } finally {
      if (replica != null) {
        replica.close();
      }
    }
  }

  private static Database open(Duration maxLag) {
    return Database.open("chat", "test", DatabaseUrl.parse(schemaUrl), 4, Duration.ofSeconds(5),
        new ReplicaOptions(DatabaseUrl.parse(replica.replicaUrlOf(schemaUrl)), "test-replica", maxLag), Clock.systemUTC());
  }

  private static ReplicaRouter router(Database d) {
    return d.replica().orElseThrow();
  }

  private static Message send(long userId, String body) {
    long id = ids.incrementAndGet();
    return messages.append(new MessageStore.NewMessage(id, GENERAL, userId, Optional.empty(), body, BASE.plusSeconds(id)))
        .message();
  }

  private static List<String> history(JdbcMessageStore store, long reader) {
    return store.after(GENERAL, 0, 1000, new Reader(reader)).stream().map(m -> m.body().orElse("")).toList();
  }

  private static List<Long> found(String word, long reader) {
    return search.search(new SearchStore.Query(SearchTerms.parse(word), List.of(GENERAL), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), 50), new Reader(reader)).stream().map(SearchStore.Hit::messageId).toList();
  }

  /** Reads as bob until a read runs on the replica: its state is measured in the background, so the first reads may not. */
  private static void awaitReplicaInUse(Database d, JdbcMessageStore store) {
    await().atMost(WAIT).pollInterval(Duration.ofMillis(25)).until(() -> {
      long before = router(d).readsOnReplica();
      history(store, BOB);
      return router(d).readsOnReplica() > before;
    });
  }

  @Test
  @Order(1)
  void otherReadersUseTheReplicaAndSeeWritesOnceReplayed() {
    awaitReplicaInUse(db, messages);
    replica.pauseReplay();
    try {
      send(ALICE, "replicated later");
      replica.awaitReceived();
      long onReplica = router(db).readsOnReplica();

      // Bob has written nothing: his read may use the replica, which has not applied alice's message yet.
      assertThat(history(messages, BOB)).doesNotContain("replicated later");
      assertThat(router(db).readsOnReplica()).isEqualTo(onReplica + 1);
    } finally {
      replica.resumeReplay();
    }
    await().atMost(WAIT).pollInterval(Duration.ofMillis(25)).until(() -> history(messages, BOB).contains("replicated later"));
    assertThat(router(db).readsOnReplica()).isGreaterThan(0);
  }

  @Test
  @Order(2)
  void aWriterReadsTheirOwnWritesFromThePrimaryWhileTheReplicaIsBehind() {
    awaitReplicaInUse(db, messages);
    replica.pauseReplay();
    try {
      long notReplayed = router(db).readsOnPrimary(PrimaryReason.WRITES_NOT_REPLAYED);
      Message sent = send(ALICE, "my own zebra");

      // At once, with the replica paused: from the primary, because the replica has not replayed it.
      assertThat(history(messages, ALICE)).contains("my own zebra");
      assertThat(found("zebra", ALICE)).containsExactly(sent.id());
      assertThat(router(db).readsOnPrimary(PrimaryReason.WRITES_NOT_REPLAYED)).isEqualTo(notReplayed + 2);

      // An edit is seen by everyone who reads the conversation's history, its author included.
      messages.edit(GENERAL, sent.id(), "my own okapi", BASE.plusSeconds(5000));
      assertThat(history(messages, ALICE)).contains("my own okapi");
      assertThat(history(messages, BOB)).contains("my own okapi").doesNotContain("my own zebra");
      // Bob's search is only as fresh as the replica: it need not see alice's message yet.
      assertThat(found("okapi", BOB)).isEmpty();
    } finally {
      replica.resumeReplay();
    }
    await().atMost(WAIT).pollInterval(Duration.ofMillis(25)).until(() -> found("okapi", BOB).size() == 1);
  }

  @Test
  @Order(3)
  void aReplicaLaggingBeyondTheBoundIsRoutedAround() {
    try (Database strict = open(Duration.ofMillis(500))) {
      JdbcMessageStore store = new JdbcMessageStore(strict, new MessagePartitions(strict, new MutableClock(BASE), 3));
      awaitReplicaInUse(strict, store);
      replica.pauseReplay();
      try {
        send(ALICE, "written while lagging");
        replica.awaitReceived();
        // The replica holds WAL it has not applied, so its lag grows from its last applied commit.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
          long lagging = router(strict).readsOnPrimary(PrimaryReason.LAGGING);
          List<String> seen = history(store, BOB);
          return router(strict).readsOnPrimary(PrimaryReason.LAGGING) > lagging && seen.contains("written while lagging");
        });
        assertThat(router(strict).lag()).hasValueSatisfying(lag -> assertThat(lag).isGreaterThan(Duration.ofMillis(500)));
      } finally {
        replica.resumeReplay();
      }
      await().atMost(WAIT).pollInterval(Duration.ofMillis(25)).until(() -> {
        long onReplica = router(strict).readsOnReplica();
        history(store, BOB);
        return router(strict).readsOnReplica() > onReplica;
      });
    }
  }

  @Test
  @Order(99)
  void aStoppedReplicaIsRoutedAroundWithoutErrors() {
    awaitReplicaInUse(db, messages);
    send(ALICE, "before the replica stops");
    replica.awaitCaughtUp();
    replica.stop();

    // The pool still holds connections to the dead replica: reads fail there, run again on the
    // primary, and the replica is given up on until it answers again.
    for (int i = 0; i < 20; i++) {
      assertThat(history(messages, BOB)).contains("before the replica stops");
      assertThat(found("stops", BOB)).hasSize(1);
    }
    send(ALICE, "after the replica stopped");
    assertThat(history(messages, BOB)).contains("after the replica stopped");
    assertThat(history(messages, ALICE)).contains("after the replica stopped");
    assertThat(router(db).readsOnPrimary(PrimaryReason.FAILED) + router(db).readsOnPrimary(PrimaryReason.UNAVAILABLE))
        .isPositive();
    assertThat(router(db).lag()).isEmpty();
  }
}
