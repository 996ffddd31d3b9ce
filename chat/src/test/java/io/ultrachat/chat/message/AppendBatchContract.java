package io.ultrachat.chat.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.chat.StoreContract;
import io.ultrachat.chat.conversation.Conversation;
import io.ultrachat.chat.conversation.Conversation.Kind;
import io.ultrachat.chat.conversation.ConversationStore;
import io.ultrachat.chat.conversation.JdbcConversationStore;
import io.ultrachat.chat.message.GroupCommit.Outcome;
import io.ultrachat.chat.message.MessageStore.Appended;
import io.ultrachat.chat.message.MessageStore.NewMessage;
import io.ultrachat.chat.message.MessageStore.ThreadRootRefused;
import io.ultrachat.chat.workspace.JdbcWorkspaceStore;
import io.ultrachat.chat.workspace.Workspace;
import io.ultrachat.store.jdbc.DuplicateKeyException;
import io.ultrachat.testkit.MutableClock;
import io.ultrachat.testkit.store.StoreFixture.Backend;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Group commit in {@link JdbcMessageStore}: one batch of appends, as the committer hands it over,
 * is one transaction whose messages are answered one by one. Subclasses name the backend.
 */
public abstract class AppendBatchContract extends StoreContract {
  private static final long ALICE = 1;
  private static final long BOB = 2;
  private static final long WORKSPACE = 100;
  private static final long GENERAL = 10;
  private static final long RANDOM = 11;
  private static final long UNKNOWN = 99;

  private ConversationStore conversations;
  private JdbcMessageStore store;

  protected AppendBatchContract(Backend backend) {
    super(backend);
  }

  @BeforeEach
  void createStoreAndConversations() {
    new JdbcWorkspaceStore(db()).create(new Workspace(WORKSPACE, "acme", ALICE, BASE));
    conversations = new JdbcConversationStore(db());
    conversations.create(new Conversation(GENERAL, WORKSPACE, Kind.PUBLIC, "general", "", ALICE, BASE, Optional.empty(), 0));
    conversations.create(new Conversation(RANDOM, WORKSPACE, Kind.PUBLIC, "random", "", ALICE, BASE, Optional.empty(), 0));
    store = new JdbcMessageStore(db(), new MessagePartitions(db(), new MutableClock(BASE), 3));
  }

  private static NewMessage message(long id, long conversationId, long userId) {
    return new NewMessage(id, conversationId, userId, Optional.empty(), "m" + id, BASE.plusSeconds(id));
  }

  private static NewMessage withClientId(long id, long conversationId, long userId, String clientId) {
    return new NewMessage(id, conversationId, userId, Optional.of(clientId), "m" + id, BASE.plusSeconds(id));
  }

  private static NewMessage reply(long id, long conversationId, long rootId) {
    return new NewMessage(id, conversationId, ALICE, Optional.empty(), "r" + id, BASE.plusSeconds(id), Mentions.NONE,
        Optional.of(rootId));
  }

  private long lastSeq(long conversationId) {
    return conversations.find(conversationId).orElseThrow().lastSeq();
  }

  private long countRows(String table) {
    return scalar("SELECT COUNT(*) FROM " + table);
  }

  private static Appended value(Outcome<Appended> o) {
    assertThat(o.failure()).as("failure").isNull();
    return o.value();
  }

  @Test
  void aBatchNumbersEachConversationInSubmissionOrderAfterItsLastSeq() {
    store.append(message(1, GENERAL, ALICE));
    store.append(message(2, GENERAL, ALICE));

    List<Outcome<Appended>> out = store.appendAll(List.of(message(10, RANDOM, ALICE), message(11, GENERAL, BOB),
        message(12, RANDOM, BOB), message(13, GENERAL, ALICE), message(14, GENERAL, ALICE)));

    assertThat(out).extracting(o -> value(o).message().seq()).containsExactly(1L, 3L, 2L, 4L, 5L);
    assertThat(out).extracting(o -> value(o).replayed()).containsOnly(false);
    assertThat(lastSeq(GENERAL)).isEqualTo(5);
    assertThat(lastSeq(RANDOM)).isEqualTo(2);
    assertThat(store.after(GENERAL, 0, 10)).extracting(Message::id).containsExactly(1L, 2L, 11L, 13L, 14L);
    assertThat(store.after(RANDOM, 0, 10)).extracting(Message::id).containsExactly(10L, 12L);
    assertThat(store.find(GENERAL, 13)).contains(value(out.get(3)).message());
  }

  @Test
  void aClientIdUsedTwiceInOneBatchIsStoredOnceAndReplayedForTheSecond() {
    List<Outcome<Appended>> out = store.appendAll(List.of(withClientId(10, GENERAL, ALICE, "c-1"), message(11, GENERAL, BOB),
        withClientId(12, GENERAL, ALICE, "c-1"), withClientId(13, GENERAL, BOB, "c-1"), withClientId(14, RANDOM, ALICE, "c-1")));

    Message first = value(out.get(0)).message();
    assertThat(value(out.get(0)).replayed()).isFalse();
    assertThat(value(out.get(2)).replayed()).isTrue();
    assertThat(value(out.get(2)).message()).isEqualTo(first);
    // The same client id from another user, or in another conversation, is another message.
    assertThat(value(out.get(3)).replayed()).isFalse();
    assertThat(value(out.get(3)).message().id()).isEqualTo(13);
    assertThat(value(out.get(4)).replayed()).isFalse();
    assertThat(value(out.get(4)).message().seq()).isEqualTo(1);
    assertThat(store.after(GENERAL, 0, 10)).extracting(Message::id).containsExactly(10L, 11L, 13L);
    assertThat(lastSeq(GENERAL)).isEqualTo(3);
    assertThat(countRows("chat_message_keys")).isEqualTo(3);
    assertThat(store.find(GENERAL, 12)).isEmpty();
    assertThat(store.batchesRetriedAlone()).isZero();
  }

  @Test
  void aClientIdCommittedEarlierIsReplayedInsideABatch() {
    Message original = store.append(withClientId(1, GENERAL, ALICE, "c-1")).message();
    store.edit(GENERAL, 1, "edited", BASE.plusSeconds(50));

    List<Outcome<Appended>> out = store.appendAll(List.of(message(10, GENERAL, BOB), withClientId(11, GENERAL, ALICE, "c-1"),
        withClientId(12, GENERAL, ALICE, "c-1")));

    assertThat(value(out.get(0)).message().seq()).isEqualTo(2);
    for (Outcome<Appended> replay : out.subList(1, 3)) {
      assertThat(value(replay).replayed()).isTrue();
      assertThat(value(replay).message().id()).isEqualTo(original.id());
      assertThat(value(replay).message().body()).contains("edited");
    }
    assertThat(lastSeq(GENERAL)).isEqualTo(2);
    assertThat(countRows("messages")).isEqualTo(2);
    assertThat(store.batchesRetriedAlone()).as("decided in the batch, not by the one-by-one retry").isZero();
  }

  @Test
  void refusedMessagesFailAloneAndLeaveNoGap() {
    Message root = store.append(message(1, GENERAL, ALICE)).message();
    Message deletedRoot = store.append(message(2, GENERAL, ALICE)).message();
    store.delete(GENERAL, deletedRoot.id(), BASE.plusSeconds(3));
    Message aReply = store.append(reply(3, GENERAL, root.id())).message();

    List<Outcome<Appended>> out = store.appendAll(List.of(
        message(10, GENERAL, BOB),
        withClientId(11, UNKNOWN, ALICE, "c-unknown"),
        reply(12, GENERAL, 9_999),
        reply(13, GENERAL, deletedRoot.id()),
        reply(14, GENERAL, aReply.id()),
        reply(15, GENERAL, root.id()),
        message(16, GENERAL, BOB)));

    assertThat(out.get(1).failure()).isInstanceOf(IllegalArgumentException.class);
    assertThat(out.get(2).failure()).isInstanceOfSatisfying(ThreadRootRefused.class,
        e -> assertThat(e.reason()).isEqualTo(ThreadRootRefused.Reason.NOT_FOUND));
    assertThat(out.get(3).failure()).isInstanceOfSatisfying(ThreadRootRefused.class,
        e -> assertThat(e.reason()).isEqualTo(ThreadRootRefused.Reason.DELETED));
    assertThat(out.get(4).failure()).isInstanceOfSatisfying(ThreadRootRefused.class,
        e -> assertThat(e.reason()).isEqualTo(ThreadRootRefused.Reason.NESTED));
    assertThat(value(out.get(0)).message().seq()).isEqualTo(4);
    Appended goodReply = value(out.get(5));
    assertThat(goodReply.message().seq()).isEqualTo(5);
    assertThat(goodReply.message().threadRootId()).contains(root.id());
    assertThat(goodReply.thread().orElseThrow().replyCount()).isEqualTo(2);
    assertThat(value(out.get(6)).message().seq()).isEqualTo(6);
    assertThat(store.after(GENERAL, 0, 20)).extracting(Message::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(lastSeq(GENERAL)).isEqualTo(6);
    assertThat(countRows("chat_message_keys")).isZero();
    assertThat(store.replies(GENERAL, root.id(), 0, 10)).extracting(Message::id).containsExactly(3L, 15L);
  }

  @Test
  void whenTheBatchTransactionFailsEachMessageIsRetriedAloneAndOnlyTheCulpritFails() {
    Message existing = store.append(message(5, GENERAL, ALICE)).message();
    // Same id and time as a stored message: no check foresees it, the insert itself fails.
    NewMessage clash = new NewMessage(existing.id(), RANDOM, BOB, Optional.empty(), "clash", existing.createdAt());

    List<Outcome<Appended>> out = store.appendAll(List.of(withClientId(10, GENERAL, BOB, "c-1"), clash,
        withClientId(11, GENERAL, BOB, "c-1"), message(12, RANDOM, ALICE)));

    assertThat(out.get(1).failure()).isInstanceOf(DuplicateKeyException.class);
    assertThat(value(out.get(0)).replayed()).isFalse();
    assertThat(value(out.get(0)).message().seq()).isEqualTo(2);
    assertThat(value(out.get(2)).replayed()).isTrue();
    assertThat(value(out.get(2)).message()).isEqualTo(value(out.get(0)).message());
    assertThat(value(out.get(3)).message().seq()).isEqualTo(1);
    assertThat(lastSeq(GENERAL)).isEqualTo(2);
    assertThat(lastSeq(RANDOM)).isEqualTo(1);
    assertThat(store.after(RANDOM, 0, 10)).extracting(Message::id).containsExactly(12L);
    assertThat(store.find(GENERAL, existing.id())).contains(existing);
    assertThat(store.batchesRetriedAlone()).isEqualTo(1);
  }

  @Test
  void aBatchOfOneRefusedMessageStoresNothing() {
    List<Outcome<Appended>> out = store.appendAll(List.of(message(10, UNKNOWN, ALICE)));

    assertThat(out).singleElement().satisfies(o -> assertThat(o.failure()).isInstanceOf(IllegalArgumentException.class));
    assertThat(countRows("messages")).isZero();
  }
}
