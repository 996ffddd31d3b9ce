package io.ultrachat.chat.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ultrachat.testkit.store.Concurrently;
import io.ultrachat.chat.StoreContract;
import io.ultrachat.testkit.store.StoreFixture.Backend;
import io.ultrachat.chat.conversation.Conversation;
import io.ultrachat.chat.conversation.Conversation.Kind;
import io.ultrachat.chat.conversation.ConversationStore;
import io.ultrachat.chat.conversation.JdbcConversationStore;
import io.ultrachat.chat.message.MessageStore.Appended;
import io.ultrachat.chat.message.MessageStore.NewMessage;
import io.ultrachat.chat.workspace.JdbcWorkspaceStore;
import io.ultrachat.chat.workspace.Workspace;
import io.ultrachat.store.jdbc.Database;
import io.ultrachat.testkit.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@link MessageStore} contract; subclasses name the backend. */
public abstract class MessageStoreContract extends StoreContract {
  private static final long ALICE = 1;
  private static final long BOB = 2;
  private static final long WORKSPACE = 100;
  private static final long GENERAL = 10;
  private static final long RANDOM = 11;

  private ConversationStore conversations;
  private MessageStore store;

  protected MessageStoreContract(Backend backend) {
    super(backend);
  }

  /** The implementation under test; the JDBC one unless a subclass says otherwise. */
  protected MessageStore newStore(Database db, MessagePartitions partitions) {
    return new JdbcMessageStore(db, partitions);
  }

  @BeforeEach
  void createStoreAndConversations() {
    new JdbcWorkspaceStore(db()).create(new Workspace(WORKSPACE, "acme", ALICE, BASE));
    conversations = new JdbcConversationStore(db());
    conversations.create(new Conversation(GENERAL, WORKSPACE, Kind.PUBLIC, "general", "", ALICE, BASE, Optional.empty(), 0));
    conversations.create(new Conversation(RANDOM, WORKSPACE, Kind.PUBLIC, "random", "", ALICE, BASE, Optional.empty(), 0));
    store = newStore(db(), new MessagePartitions(db(), new MutableClock(BASE), 3));
  }

  private static NewMessage message(long id, long conversationId, long userId, String body, Instant at) {
    return new NewMessage(id, conversationId, userId, Optional.empty(), body, at);
  }

  private static NewMessage withClientId(long id, long conversationId, long userId, String clientId, String body, Instant at) {
    return new NewMessage(id, conversationId, userId, Optional.of(clientId), body, at);
  }

  /** Appends {@code count} messages to a conversation with ids {@code firstId}, {@code firstId + 1}, … */
  private List<Message> appendMany(long conversationId, long firstId, int count) {
    List<Message> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long id = firstId + i;
      out.add(store.append(message(id, conversationId, ALICE, "message " + id, BASE.plusSeconds(id))).message());
    }
    return out;
  }

  private long lastSeq(long conversationId) {
    return conversations.find(conversationId).orElseThrow().lastSeq();
  }

  private long countRows(String table) {
    return scalar("SELECT COUNT(*) FROM " + table);
  }

  // --- append ---

  @Test
  void appendAssignsGaplessSequencesAndBumpsLastSeq() {
    Instant at = BASE.plusSeconds(5).plusMillis(123);

    Appended first = store.append(message(1000, GENERAL, ALICE, "hello", at));
    assertThat(first.replayed()).isFalse();
    assertThat(first.message()).isEqualTo(new Message(1000, GENERAL, 1, ALICE, Optional.of("hello"), at, Optional.empty(),
        Optional.empty()));
    assertThat(lastSeq(GENERAL)).isEqualTo(1);

    assertThat(store.append(message(1001, GENERAL, BOB, "hi", at.plusSeconds(1))).message().seq()).isEqualTo(2);
    assertThat(lastSeq(GENERAL)).isEqualTo(2);
    assertThat(store.append(message(1002, GENERAL, ALICE, "how are you", at.plusSeconds(2))).message().seq()).isEqualTo(3);
    assertThat(lastSeq(GENERAL)).isEqualTo(3);
  }

  @Test
  void sequencesArePerConversation() {
    store.append(message(1000, GENERAL, ALICE, "a", BASE));
    store.append(message(1001, GENERAL, ALICE, "b", BASE));

    Appended other = store.append(message(1002, RANDOM, ALICE, "c", BASE));

    assertThat(other.message().seq()).isEqualTo(1);
    assertThat(lastSeq(GENERAL)).isEqualTo(2);
    assertThat(lastSeq(RANDOM)).isEqualTo(1);
  }

  @Test
  void appendedMessageReadsBackAsReturned() {
    Message m = store.append(message(1000, GENERAL, ALICE, "héllo ✓ 👋\nline two", BASE.plusMillis(7))).message();

    assertThat(store.find(GENERAL, 1000)).contains(m);
    assertThat(store.after(GENERAL, 0, 10)).containsExactly(m);
  }

  @Test
  void appendToUnknownConversationIsRefusedAndStoresNothing() {
    assertThatThrownBy(() -> store.append(withClientId(1000, 99, ALICE, "c-1", "lost", BASE)))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(countRows("messages")).isZero();
    assertThat(countRows("chat_message_keys")).isZero();
    assertThat(store.find(99, 1000)).isEmpty();
    assertThat(store.after(99, 0, 10)).isEmpty();
  }

  // --- idempotency ---

  @Test
  void retryWithSameClientIdReplaysTheOriginalWithoutANewSequence() {
    Appended original = store.append(withClientId(1000, GENERAL, ALICE, "c-1", "hello", BASE.plusSeconds(1)));

    // The retry arrives later and (as a server would) with a fresh id and time.
    Appended retry = store.append(withClientId(1001, GENERAL, ALICE, "c-1", "hello, edited in the outbox", BASE.plusSeconds(9)));

    assertThat(retry.replayed()).isTrue();
    assertThat(retry.message()).isEqualTo(original.message());
    assertThat(lastSeq(GENERAL)).isEqualTo(1);
    assertThat(store.find(GENERAL, 1001)).isEmpty();
    assertThat(store.after(GENERAL, 0, 10)).containsExactly(original.message());
  }

  @Test
  void replayReturnsTheMessageAsItIsNow() {
    store.append(withClientId(1000, GENERAL, ALICE, "c-1", "hello", BASE));
    Message edited = store.edit(GENERAL, 1000, "hello!", BASE.plusSeconds(5)).orElseThrow();

    Appended retry = store.append(withClientId(1001, GENERAL, ALICE, "c-1", "hello", BASE.plusSeconds(9)));

    assertThat(retry.replayed()).isTrue();
    assertThat(retry.message()).isEqualTo(edited);
  }

  @Test
  void sameClientIdFromAnotherUserOrInAnotherConversationIsANewMessage() {
    store.append(withClientId(1000, GENERAL, ALICE, "c-1", "alice", BASE));

    Appended bobs = store.append(withClientId(1001, GENERAL, BOB, "c-1", "bob", BASE.plusSeconds(1)));
    Appended elsewhere = store.append(withClientId(1002, RANDOM, ALICE, "c-1", "alice elsewhere", BASE.plusSeconds(2)));

    assertThat(bobs.replayed()).isFalse();
    assertThat(bobs.message().id()).isEqualTo(1001);
    assertThat(bobs.message().seq()).isEqualTo(2);
    assertThat(bobs.message().body()).contains("bob");
    assertThat(elsewhere.replayed()).isFalse();
    assertThat(elsewhere.message().id()).isEqualTo(1002);
    assertThat(elsewhere.message().seq()).isEqualTo(1);
    assertThat(lastSeq(GENERAL)).isEqualTo(2);
    assertThat(lastSeq(RANDOM)).isEqualTo(1);
  }

  @Test
  void differentClientIdsOrNoClientIdAreNeverReplays() {
    store.append(withClientId(1000, GENERAL, ALICE, "c-1", "one", BASE));
    Appended second = store.append(withClientId(1001, GENERAL, ALICE, "c-2", "two", BASE));
    Appended third = store.append(message(1002, GENERAL, ALICE, "three", BASE));
    Appended fourth = store.append(message(1003, GENERAL, ALICE, "three", BASE));

    assertThat(List.of(second, third, fourth)).noneMatch(Appended::replayed);
    assertThat(store.after(GENERAL, 0, 10)).extracting(Message::seq).containsExactly(1L, 2L, 3L, 4L);
  }

  // --- find ---

  @Test
  void findByIdIsScopedToTheConversation() {
    Message m = store.append(message(1000, GENERAL, ALICE, "hello", BASE)).message();
    store.append(message(1001, RANDOM, ALICE, "elsewhere", BASE));

    assertThat(store.find(GENERAL, 1000)).contains(m);
    assertThat(store.find(RANDOM, 1000)).isEmpty();
    assertThat(store.find(GENERAL, 1001)).isEmpty();
    assertThat(store.find(GENERAL, 9999)).isEmpty();
  }

  // --- before / after ---

  @Test
  void beforePagesBackwardsButReturnsAscending() {
    List<Message> all = appendMany(GENERAL, 1000, 10);
    appendMany(RANDOM, 2000, 5);

    assertThat(store.before(GENERAL, 11, 3)).containsExactly(all.get(7), all.get(8), all.get(9));
    assertThat(store.before(GENERAL, 8, 3)).extracting(Message::seq).containsExactly(5L, 6L, 7L);
    assertThat(store.before(GENERAL, 3, 10)).extracting(Message::seq).containsExactly(1L, 2L);
    assertThat(store.before(GENERAL, Long.MAX_VALUE, 100)).containsExactlyElementsOf(all);
    assertThat(store.before(GENERAL, 5, 1)).extracting(Message::seq).containsExactly(4L);
    assertThat(store.before(GENERAL, 1, 10)).isEmpty();
    assertThat(store.before(GENERAL, 0, 10)).isEmpty();
    assertThat(store.before(GENERAL, 5, 0)).isEmpty();
    assertThat(store.before(99, Long.MAX_VALUE, 10)).isEmpty();
  }

  @Test
  void afterPagesForwardAscending() {
    List<Message> all = appendMany(GENERAL, 1000, 10);
    appendMany(RANDOM, 2000, 5);

    assertThat(store.after(GENERAL, 0, 3)).containsExactly(all.get(0), all.get(1), all.get(2));
    assertThat(store.after(GENERAL, 3, 3)).extracting(Message::seq).containsExactly(4L, 5L, 6L);
    assertThat(store.after(GENERAL, 8, 10)).extracting(Message::seq).containsExactly(9L, 10L);
    assertThat(store.after(GENERAL, 0, 100)).containsExactlyElementsOf(all);
    assertThat(store.after(GENERAL, 5, 1)).extracting(Message::seq).containsExactly(6L);
    assertThat(store.after(GENERAL, 10, 10)).isEmpty();
    assertThat(store.after(GENERAL, 42, 10)).isEmpty();
    assertThat(store.after(GENERAL, 5, 0)).isEmpty();
    assertThat(store.after(99, 0, 10)).isEmpty();
  }

  @Test
  void pagingForwardThenBackwardCoversEveryMessageOnce() {
    List<Message> all = appendMany(GENERAL, 1000, 23);

    List<Message> forward = new ArrayList<>();
    long cursor = 0;
    for (List<Message> page = store.after(GENERAL, cursor, 5); !page.isEmpty(); page = store.after(GENERAL, cursor, 5)) {
      forward.addAll(page);
      cursor = page.get(page.size() - 1).seq();
    }
    assertThat(forward).containsExactlyElementsOf(all);

    List<Message> backward = new ArrayList<>();
    cursor = Long.MAX_VALUE;
    for (List<Message> page = store.before(GENERAL, cursor, 5); !page.isEmpty(); page = store.before(GENERAL, cursor, 5)) {
      assertThat(page).isSortedAccordingTo((a, b) -> Long.compare(a.seq(), b.seq()));
      backward.addAll(0, page);
      cursor = page.get(0).seq();
    }
    assertThat(backward).containsExactlyElementsOf(all);
  }

  // --- months (partitions on PostgreSQL) ---

  @Test
  void messagesInDifferentMonthsAreStoredAndPagedBySequence() {
    Instant jan = Instant.parse("2026-01-15T10:00:00.123Z");
    Instant feb = Instant.parse("2026-02-15T10:00:00.456Z");
    Instant mar = Instant.parse("2026-03-15T10:00:00.789Z");
    Message m1 = store.append(message(1000, GENERAL, ALICE, "january", jan)).message();
    Message m2 = store.append(message(1001, GENERAL, BOB, "february", feb)).message();
    Message m3 = store.append(message(1002, GENERAL, ALICE, "march", mar)).message();
    Message m4 = store.append(message(1003, GENERAL, BOB, "january again", jan.plusSeconds(1))).message();

    assertThat(List.of(m1, m2, m3, m4)).extracting(Message::seq).containsExactly(1L, 2L, 3L, 4L);
    assertThat(store.after(GENERAL, 0, 10)).containsExactly(m1, m2, m3, m4);
    assertThat(store.after(GENERAL, 1, 2)).containsExactly(m2, m3);
    assertThat(store.before(GENERAL, 4, 10)).containsExactly(m1, m2, m3);
    assertThat(store.before(GENERAL, 5, 2)).containsExactly(m3, m4);
    assertThat(store.find(GENERAL, 1000)).contains(m1);
    assertThat(store.find(GENERAL, 1001).orElseThrow().createdAt()).isEqualTo(feb);
    assertThat(store.find(GENERAL, 1002).orElseThrow().createdAt()).isEqualTo(mar);
    assertThat(store.find(GENERAL, 1003)).contains(m4);

    // Edits and deletes find the row in its own month.
    assertThat(store.edit(GENERAL, 1000, "january, edited", mar.plusSeconds(1)).orElseThrow().body()).contains("january, edited");
    assertThat(store.delete(GENERAL, 1001, mar.plusSeconds(2)).orElseThrow().deleted()).isTrue();
    assertThat(store.after(GENERAL, 0, 10)).extracting(m -> m.body().orElse("<deleted>"))
        .containsExactly("january, edited", "<deleted>", "march", "january again");
    assertThat(lastSeq(GENERAL)).isEqualTo(4);
  }

  // --- edit ---

  @Test
  void editReplacesTheBodyAndSetsEditedAt() {
    Message m = store.append(message(1000, GENERAL, ALICE, "helo", BASE)).message();
    Instant at = BASE.plusSeconds(30).plusMillis(9);

    Optional<Message> edited = store.edit(GENERAL, 1000, "hello", at);

    Message expected = new Message(1000, GENERAL, 1, ALICE, Optional.of("hello"), m.createdAt(), Optional.of(at), Optional.empty());
    assertThat(edited).contains(expected);
    assertThat(store.find(GENERAL, 1000)).contains(expected);
    assertThat(lastSeq(GENERAL)).isEqualTo(1);

    Instant later = at.plusSeconds(5);
    assertThat(store.edit(GENERAL, 1000, "hello, world", later).orElseThrow().editedAt()).contains(later);
  }

  @Test
  void editOfUnknownOrOtherConversationsMessageIsEmpty() {
    Message m = store.append(message(1000, GENERAL, ALICE, "hello", BASE)).message();

    assertThat(store.edit(GENERAL, 9999, "x", BASE.plusSeconds(1))).isEmpty();
    assertThat(store.edit(RANDOM, 1000, "x", BASE.plusSeconds(1))).isEmpty();
    assertThat(store.find(GENERAL, 1000)).contains(m);
  }

  @Test
  void editOfDeletedMessageIsEmptyAndLeavesTheTombstone() {
    store.append(message(1000, GENERAL, ALICE, "hello", BASE));
    Message tombstone = store.delete(GENERAL, 1000, BASE.plusSeconds(1)).orElseThrow();

    assertThat(store.edit(GENERAL, 1000, "resurrected", BASE.plusSeconds(2))).isEmpty();

    assertThat(store.find(GENERAL, 1000)).contains(tombstone);
    assertThat(scalar("SELECT COUNT(*) FROM messages WHERE id = ? AND body IS NULL", 1000L)).isEqualTo(1);
  }

  // --- delete ---

  @Test
  void deleteTombstonesTheMessageAndErasesItsBody() {
    Message m = store.append(message(1000, GENERAL, ALICE, "secret", BASE)).message();
    store.append(message(1001, GENERAL, ALICE, "kept", BASE));
    Instant at = BASE.plusSeconds(60).plusMillis(3);

    Optional<Message> deleted = store.delete(GENERAL, 1000, at);

    Message expected = new Message(1000, GENERAL, 1, ALICE, Optional.empty(), m.createdAt(), Optional.empty(), Optional.of(at));
    assertThat(deleted).contains(expected);
    assertThat(expected.deleted()).isTrue();
    assertThat(store.find(GENERAL, 1000)).contains(expected);
    // The body is really gone from storage, not just hidden.
    assertThat(scalar("SELECT COUNT(*) FROM messages WHERE id = ? AND body IS NULL AND deleted_at IS NOT NULL", 1000L))
        .isEqualTo(1);
    assertThat(scalar("SELECT COUNT(*) FROM messages WHERE body LIKE '%secret%'")).isZero();
    // Tombstones keep their place in the sequence.
    assertThat(store.after(GENERAL, 0, 10)).extracting(Message::seq).containsExactly(1L, 2L);
    assertThat(store.find(GENERAL, 1001).orElseThrow().body()).contains("kept");
    assertThat(lastSeq(GENERAL)).isEqualTo(2);
  }

  @Test
  void deleteOfEditedMessageKeepsEditedAt() {
    store.append(message(1000, GENERAL, ALICE, "v1", BASE));
    store.edit(GENERAL, 1000, "v2", BASE.plusSeconds(1));

    Message deleted = store.delete(GENERAL, 1000, BASE.plusSeconds(2)).orElseThrow();

    assertThat(deleted.body()).isEmpty();
    assertThat(deleted.editedAt()).contains(BASE.plusSeconds(1));
    assertThat(deleted.deletedAt()).contains(BASE.plusSeconds(2));
    assertThat(scalar("SELECT COUNT(*) FROM messages WHERE id = ? AND body IS NULL", 1000L)).isEqualTo(1);
  }

  @Test
  void deleteIsIdempotentAndKeepsTheFirstDeletionTime() {
    store.append(message(1000, GENERAL, ALICE, "oops", BASE));
    Message first = store.delete(GENERAL, 1000, BASE.plusSeconds(10)).orElseThrow();

    Optional<Message> again = store.delete(GENERAL, 1000, BASE.plusSeconds(20));

    assertThat(again).contains(first);
    assertThat(again.orElseThrow().deletedAt()).contains(BASE.plusSeconds(10));
    assertThat(store.find(GENERAL, 1000)).contains(first);
  }

  @Test
  void deleteOfUnknownOrOtherConversationsMessageIsEmpty() {
    Message m = store.append(message(1000, GENERAL, ALICE, "hello", BASE)).message();

    assertThat(store.delete(GENERAL, 9999, BASE.plusSeconds(1))).isEmpty();
    assertThat(store.delete(RANDOM, 1000, BASE.plusSeconds(1))).isEmpty();
    assertThat(store.find(GENERAL, 1000)).contains(m);
  }

  @Test
  void replayOfDeletedMessageReturnsTheTombstone() {
    store.append(withClientId(1000, GENERAL, ALICE, "c-1", "hello", BASE));
    Message tombstone = store.delete(GENERAL, 1000, BASE.plusSeconds(1)).orElseThrow();

    Appended retry = store.append(withClientId(1001, GENERAL, ALICE, "c-1", "hello", BASE.plusSeconds(2)));

    assertThat(retry.replayed()).isTrue();
    assertThat(retry.message()).isEqualTo(tombstone);
    assertThat(lastSeq(GENERAL)).isEqualTo(1);
  }

  // --- concurrency ---

  @Test
  void concurrentAppendsToOneConversationGetGaplessUniqueSequences() {
    int threads = 8;
    int perThread = 25;

    List<Concurrently.Outcome<List<Message>>> outcomes = Concurrently.race(threads, t -> () -> {
      List<Message> mine = new ArrayList<>();
      for (int i = 0; i < perThread; i++) {
        long id = 10_000L + t * 1_000L + i;
        mine.add(store.append(message(id, GENERAL, ALICE + t, "t" + t + " #" + i, BASE.plusMillis(id))).message());
      }
      return mine;
    });

    assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded, "every append succeeded");
    List<Long> returnedSeqs = outcomes.stream().flatMap(o -> o.value().stream()).map(Message::seq).sorted().toList();
    List<Long> expected = LongStream.rangeClosed(1, threads * perThread).boxed().toList();
    assertThat(returnedSeqs).containsExactlyElementsOf(expected);
    // Each thread's own appends were sequenced in the order it made them.
    for (Concurrently.Outcome<List<Message>> o : outcomes) {
      assertThat(o.value()).extracting(Message::seq).isSorted();
    }
    assertThat(lastSeq(GENERAL)).isEqualTo(threads * perThread);
    List<Message> stored = store.after(GENERAL, 0, 1_000);
    assertThat(stored).extracting(Message::seq).containsExactlyElementsOf(expected);
    assertThat(stored).extracting(Message::id).doesNotHaveDuplicates().hasSize(threads * perThread);
    assertThat(countRows("messages")).isEqualTo(threads * perThread);
  }

  @Test
  void concurrentAppendsToSeveralConversationsAreGaplessInEach() {
    int threads = 12;
    int perThread = 30;

    List<Concurrently.Outcome<List<Message>>> outcomes = Concurrently.race(threads, t -> () -> {
      List<Message> mine = new ArrayList<>();
      for (int i = 0; i < perThread; i++) {
        long id = 20_000L + t * 1_000L + i;
        long conversation = (t + i) % 3 == 0 ? RANDOM : GENERAL;
        mine.add(store.append(withClientId(id, conversation, ALICE + t, "c-" + i, "t" + t + " #" + i, BASE.plusMillis(id)))
            .message());
      }
      return mine;
    });

    assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded, "every append succeeded");
    List<Message> returned = outcomes.stream().flatMap(o -> o.value().stream()).toList();
    assertThat(returned).extracting(Message::id).doesNotHaveDuplicates().hasSize(threads * perThread);
    for (long conversation : List.of(GENERAL, RANDOM)) {
      List<Long> seqs = returned.stream().filter(m -> m.conversationId() == conversation).map(Message::seq).sorted().toList();
      assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, seqs.size()).boxed().toList());
      assertThat(lastSeq(conversation)).isEqualTo(seqs.size());
      assertThat(store.after(conversation, 0, 1_000)).extracting(Message::seq).containsExactlyElementsOf(seqs);
    }
    for (Concurrently.Outcome<List<Message>> o : outcomes) {
      for (long conversation : List.of(GENERAL, RANDOM)) {
        assertThat(o.value()).filteredOn(m -> m.conversationId() == conversation).extracting(Message::seq).isSorted();
      }
    }
    assertThat(countRows("messages")).isEqualTo(threads * perThread);
    assertThat(countRows("chat_message_keys")).isEqualTo(threads * perThread);
  }

  @Test
  void concurrentRetriesOfManyClientIdsStoreEachOnce() {
    int threads = 10;
    int clientIds = 20;

    // Every thread sends the same twenty client ids (as retries from several tabs would), in a
    // different order each, so batches mix first uses, in-batch repeats and replays of committed ones.
    List<Concurrently.Outcome<List<Appended>>> outcomes = Concurrently.race(threads, t -> () -> {
      List<Appended> mine = new ArrayList<>();
      for (int i = 0; i < clientIds; i++) {
        int k = (i * 7 + t) % clientIds;
        long id = 30_000L + t * 100L + k;
        mine.add(store.append(withClientId(id, GENERAL, ALICE, "retry-" + k, "from " + t, BASE.plusMillis(id))));
      }
      return mine;
    });

    assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded, "every append succeeded");
    List<Appended> all = outcomes.stream().flatMap(o -> o.value().stream()).toList();
    assertThat(all).filteredOn(a -> !a.replayed()).hasSize(clientIds);
    List<Message> stored = store.after(GENERAL, 0, 1_000);
    assertThat(stored).extracting(Message::seq).containsExactlyElementsOf(LongStream.rangeClosed(1, clientIds).boxed().toList());
    // Whoever sent a client id, and whenever, got the one message stored under it.
    for (Appended a : all) {
      assertThat(stored).contains(a.message());
    }
    assertThat(all.stream().map(a -> a.message().id()).distinct()).hasSize(clientIds);
    assertThat(countRows("messages")).isEqualTo(clientIds);
    assertThat(countRows("chat_message_keys")).isEqualTo(clientIds);
    assertThat(lastSeq(GENERAL)).isEqualTo(clientIds);
  }

  @Test
  void concurrentAppendsWithOneClientIdStoreExactlyOneMessage() {
    int threads = 8;

    List<Concurrently.Outcome<Appended>> outcomes = Concurrently.race(threads, t -> () ->
        store.append(withClientId(5_000L + t, GENERAL, ALICE, "same-client-id", "hello from " + t, BASE.plusMillis(t))));

    assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded, "every append succeeded");
    List<Appended> results = outcomes.stream().map(Concurrently.Outcome::value).toList();
    assertThat(results).filteredOn(a -> !a.replayed()).hasSize(1);
    Message winner = results.stream().filter(a -> !a.replayed()).findFirst().orElseThrow().message();
    assertThat(results).extracting(Appended::message).allMatch(winner::equals, "is the winner's message");
    assertThat(winner.seq()).isEqualTo(1);
    assertThat(lastSeq(GENERAL)).isEqualTo(1);
    assertThat(store.after(GENERAL, 0, 100)).containsExactly(winner);
    assertThat(countRows("messages")).isEqualTo(1);
    assertThat(countRows("chat_message_keys")).isEqualTo(1);
  }
}
