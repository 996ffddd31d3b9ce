package io.ultrachat.chat.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ultrachat.chat.StoreContract;
import io.ultrachat.chat.conversation.Conversation;
import io.ultrachat.chat.conversation.Conversation.Kind;
import io.ultrachat.chat.conversation.ConversationStore;
import io.ultrachat.chat.conversation.JdbcConversationStore;
import io.ultrachat.chat.message.MessageStore.Appended;
import io.ultrachat.chat.message.MessageStore.NewMessage;
import io.ultrachat.chat.message.MessageStore.ThreadRootRefused;
import io.ultrachat.chat.workspace.JdbcWorkspaceStore;
import io.ultrachat.chat.workspace.Workspace;
import io.ultrachat.testkit.MutableClock;
import io.ultrachat.testkit.store.StoreFixture.Backend;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Thread replies in {@link JdbcMessageStore} and their summaries in {@link ExtrasStore}; subclasses name the backend. */
public abstract class ThreadStoreContract extends StoreContract {
  private static final long ALICE = 1;
  private static final long WORKSPACE = 100;
  private static final long GENERAL = 10;
  private static final long RANDOM = 11;

  private ConversationStore conversations;
  private MessageStore store;
  private ExtrasStore extras;

  protected ThreadStoreContract(Backend backend) {
    super(backend);
  }

  @BeforeEach
  void createStoreAndConversations() {
    new JdbcWorkspaceStore(db()).create(new Workspace(WORKSPACE, "acme", ALICE, BASE));
    conversations = new JdbcConversationStore(db());
    conversations.create(new Conversation(GENERAL, WORKSPACE, Kind.PUBLIC, "general", "", ALICE, BASE, Optional.empty(), 0));
    conversations.create(new Conversation(RANDOM, WORKSPACE, Kind.PUBLIC, "random", "", ALICE, BASE, Optional.empty(), 0));
    store = new JdbcMessageStore(db(), new MessagePartitions(db(), new MutableClock(BASE), 3));
    extras = new ExtrasStore(db());
  }

  private Message post(long id, long conversationId, long userId) {
    return store.append(new NewMessage(id, conversationId, userId, Optional.empty(), "m" + id, BASE.plusSeconds(id))).message();
  }

  private Appended reply(long id, long conversationId, long userId, long rootId) {
    return store.append(new NewMessage(id, conversationId, userId, Optional.empty(), "r" + id, BASE.plusSeconds(id), Mentions.NONE,
        Optional.of(rootId)));
  }

  private Optional<ThreadSummary> summary(long rootId) {
    return extras.extras(GENERAL, List.of(rootId), 0).of(rootId).thread();
  }

  @Test
  void repliesLinkToTheirRootAndSummarise() {
    Message root = post(1000, GENERAL, ALICE);
    Appended first = reply(1001, GENERAL, 2, 1000);
    post(1002, GENERAL, ALICE);
    Appended second = reply(1003, GENERAL, 3, 1000);
    Appended third = reply(1004, GENERAL, 2, 1000);

    assertThat(first.message().threadRootId()).contains(1000L);
    assertThat(first.message().seq()).isEqualTo(2);
    assertThat(first.thread()).contains(new ThreadSummary(1, BASE.plusSeconds(1001), List.of(2L)));
    assertThat(second.thread()).contains(new ThreadSummary(2, BASE.plusSeconds(1003), List.of(2L, 3L)));
    assertThat(third.thread()).contains(new ThreadSummary(3, BASE.plusSeconds(1004), List.of(2L, 3L)));
    assertThat(summary(1000)).contains(new ThreadSummary(3, BASE.plusSeconds(1004), List.of(2L, 3L)));
    assertThat(summary(1002)).isEmpty();
    assertThat(root.threadRootId()).isEmpty();

    assertThat(store.find(GENERAL, 1003).orElseThrow().threadRootId()).contains(1000L);
    assertThat(store.after(GENERAL, 0, 10)).extracting(Message::threadRootId)
        .containsExactly(Optional.empty(), Optional.of(1000L), Optional.empty(), Optional.of(1000L), Optional.of(1000L));
    assertThat(store.replies(GENERAL, 1000, 0, 10)).extracting(Message::id).containsExactly(1001L, 1003L, 1004L);
    assertThat(store.replies(GENERAL, 1000, 2, 1)).extracting(Message::id).containsExactly(1003L);
    assertThat(store.replies(RANDOM, 1000, 0, 10)).isEmpty();
  }

  @Test
  void refusedRootsLeaveNoTrace() {
    post(1000, GENERAL, ALICE);
    reply(1001, GENERAL, 2, 1000);
    post(1002, RANDOM, ALICE);
    post(1003, GENERAL, ALICE);
    store.delete(GENERAL, 1003, BASE.plusSeconds(2000));

    assertThatThrownBy(() -> reply(1010, GENERAL, 2, 1001)).isInstanceOfSatisfying(ThreadRootRefused.class,
        e -> assertThat(e.reason()).isEqualTo(ThreadRootRefused.Reason.NESTED));
    assertThatThrownBy(() -> reply(1011, GENERAL, 2, 1002)).isInstanceOfSatisfying(ThreadRootRefused.class,
        e -> assertThat(e.reason()).isEqualTo(ThreadRootRefused.Reason.NOT_FOUND));
    assertThatThrownBy(() -> reply(1012, GENERAL, 2, 999)).isInstanceOfSatisfying(ThreadRootRefused.class,
        e -> assertThat(e.reason()).isEqualTo(ThreadRootRefused.Reason.NOT_FOUND));
    assertThatThrownBy(() -> reply(1013, GENERAL, 2, 1003)).isInstanceOfSatisfying(ThreadRootRefused.class,
        e -> assertThat(e.reason()).isEqualTo(ThreadRootRefused.Reason.DELETED));
    assertThat(conversations.find(GENERAL).orElseThrow().lastSeq()).isEqualTo(3);
    assertThat(scalar("SELECT COUNT(*) FROM chat_thread_replies")).isEqualTo(1);
  }

  @Test
  void participantsAreCappedAtFifty() {
    post(1000, GENERAL, ALICE);
    LongStream.rangeClosed(1, 60).forEach(u -> reply(1000 + u, GENERAL, 100 + u, 1000));
    reply(1100, GENERAL, 101, 1000);
    ThreadSummary s = summary(1000).orElseThrow();
    assertThat(s.replyCount()).isEqualTo(61);
    assertThat(s.participants()).hasSize(ThreadSummary.PARTICIPANTS_MAX);
    assertThat(s.participants()).containsExactlyElementsOf(LongStream.rangeClosed(101, 150).boxed().toList());
    assertThat(s.lastReplyAt()).isEqualTo(BASE.plusSeconds(1100));
  }
}
