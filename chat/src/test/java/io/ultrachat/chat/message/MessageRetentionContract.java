package io.ultrachat.chat.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.chat.StoreContract;
import io.ultrachat.chat.conversation.Conversation;
import io.ultrachat.chat.conversation.Conversation.Kind;
import io.ultrachat.chat.conversation.JdbcConversationStore;
import io.ultrachat.chat.message.MessageStore.NewMessage;
import io.ultrachat.chat.search.SearchStore;
import io.ultrachat.chat.search.SearchTerms;
import io.ultrachat.chat.workspace.JdbcWorkspaceStore;
import io.ultrachat.chat.workspace.Workspace;
import io.ultrachat.chat.workspace.WorkspaceStore;
import io.ultrachat.testkit.MutableClock;
import io.ultrachat.testkit.store.StoreFixture.Backend;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-workspace retention ({@link MessageRetention}) on each backend: what goes, with which
 * companions, and what stays.
 */
public abstract class MessageRetentionContract extends StoreContract {
  private static final long ALICE = 1;
  private static final long BOB = 2;
  private static final long ACME = 100;
  private static final long GLOBEX = 200;
  private static final long GENERAL = 10;
  private static final long RANDOM = 11;
  private static final long GLOBEX_GENERAL = 20;
  /** Old messages are sent here; new ones 40 days later; retention runs 45 days after BASE. */
  private static final Instant OLD = BASE.plus(Duration.ofDays(1));
  private static final Instant NEW = BASE.plus(Duration.ofDays(41));

  private MutableClock clock;
  private WorkspaceStore workspaces;
  private MessageStore messages;
  private ExtrasStore extras;
  private MessageRetention retention;
  private final List<Long> purgedFrom = new CopyOnWriteArrayList<>();
  private long nextId = 10_000;

  protected MessageRetentionContract(Backend backend) {
    super(backend);
  }

  @BeforeEach
  void createStores() {
    workspaces = new JdbcWorkspaceStore(db());
    workspaces.create(new Workspace(ACME, "acme", ALICE, BASE, Optional.of(30)));
    workspaces.create(new Workspace(GLOBEX, "globex", ALICE, BASE));
    JdbcConversationStore conversations = new JdbcConversationStore(db());
    conversations.create(new Conversation(GENERAL, ACME, Kind.PUBLIC, "general", "", ALICE, BASE, Optional.empty(), 0));
    conversations.create(new Conversation(RANDOM, ACME, Kind.PRIVATE, "random", "", ALICE, BASE, Optional.empty(), 0));
    conversations.create(new Conversation(GLOBEX_GENERAL, GLOBEX, Kind.PUBLIC, "general", "", ALICE, BASE, Optional.empty(), 0));
    clock = new MutableClock(BASE.plus(Duration.ofDays(45)));
    messages = new JdbcMessageStore(db(), new MessagePartitions(db(), clock, 3));
    extras = new ExtrasStore(db());
    retention = new MessageRetention(db(), workspaces, clock, purgedFrom::add);
  }

  private long send(long conversationId, Instant at, String body) {
    return send(conversationId, at, body, Optional.empty(), Optional.empty());
  }

  private long send(long conversationId, Instant at, String body, Optional<String> clientId, Optional<Long> root) {
    long id = nextId++;
    messages.append(new NewMessage(id, conversationId, ALICE, clientId, body, at.plusMillis(id), new Mentions(List.of(BOB), true),
        root));
    return id;
  }

  private long count(String table, String column, long messageId) {
    return scalar("SELECT COUNT(*) FROM " + table + " WHERE " + column + " = ?", messageId);
  }

  private List<Long> search(long conversationId, String q) {
    return SearchStore.on(db()).search(new SearchStore.Query(SearchTerms.parse(q), List.of(conversationId), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), 50)).stream().map(SearchStore.Hit::messageId).toList();
  }

  @Test
  void messagesOlderThanThePolicyGoWithEverythingThatRefersToThem() {
    long oldRoot = send(GENERAL, OLD, "ancient root", Optional.of("c-old"), Optional.empty());
    long oldReply = send(GENERAL, OLD.plusSeconds(60), "ancient reply", Optional.empty(), Optional.of(oldRoot));
    long newReplyToOld = send(GENERAL, NEW, "new reply to the old root", Optional.empty(), Optional.of(oldRoot));
    long newRoot = send(GENERAL, NEW, "new root", Optional.of("c-new"), Optional.empty());
    long newReply = send(GENERAL, NEW.plusSeconds(60), "new reply", Optional.empty(), Optional.of(newRoot));
    for (long id : List.of(oldRoot, newRoot)) {
      extras.addReaction(nextId++, GENERAL, id, BOB, "tada", NEW, 20);
      extras.pin(nextId++, GENERAL, id, BOB, NEW, 100);
    }

    assertThat(retention.run()).isEqualTo(2);

    assertThat(messages.find(GENERAL, oldRoot)).isEmpty();
    assertThat(messages.find(GENERAL, oldReply)).isEmpty();
    for (long gone : List.of(oldRoot, oldReply)) {
      assertThat(scalar("SELECT COUNT(*) FROM messages WHERE id = ?", gone)).isZero();
      assertThat(count("chat_message_keys", "message_id", gone)).isZero();
      assertThat(count("chat_message_reactions", "message_id", gone)).isZero();
      assertThat(count("chat_message_mentions", "message_id", gone)).isZero();
      assertThat(count("chat_pins", "message_id", gone)).isZero();
      assertThat(count("chat_threads", "root_id", gone)).isZero();
      assertThat(count("chat_thread_replies", "reply_id", gone)).isZero();
    }
    // What stays is whole.
    assertThat(messages.after(GENERAL, 0, 10)).extracting(Message::id).containsExactly(newReplyToOld, newRoot, newReply);
    assertThat(messages.find(GENERAL, newReplyToOld).orElseThrow().threadRootId()).as("a reply outlives its root").contains(oldRoot);
    assertThat(count("chat_message_keys", "message_id", newRoot)).isEqualTo(1);
    assertThat(count("chat_message_reactions", "message_id", newRoot)).isEqualTo(1);
    assertThat(count("chat_message_mentions", "message_id", newRoot)).isEqualTo(2);
    assertThat(count("chat_pins", "message_id", newRoot)).isEqualTo(1);
    assertThat(count("chat_threads", "root_id", newRoot)).isEqualTo(1);
    assertThat(count("chat_thread_replies", "reply_id", newReply)).isEqualTo(1);
    assertThat(search(GENERAL, "root")).containsExactly(newRoot, newReplyToOld);
    assertThat(search(GENERAL, "ancient")).isEmpty();
    assertThat(purgedFrom).containsExactly(GENERAL);
  }

  @Test
  void theCutoffIsExactlyThePolicyBeforeNow() {
    Instant cutoff = clock.instant().minus(Duration.ofDays(30));
    long justBefore = nextId++;
    messages.append(new NewMessage(justBefore, GENERAL, ALICE, Optional.empty(), "a", cutoff.minusMillis(1)));
    long atCutoff = nextId++;
    messages.append(new NewMessage(atCutoff, GENERAL, ALICE, Optional.empty(), "b", cutoff));

    retention.run();

    assertThat(messages.after(GENERAL, 0, 10)).extracting(Message::id).containsExactly(atCutoff);
  }

  @Test
  void otherWorkspacesAndWorkspacesWithoutAPolicyAreUntouched() {
    long acmeOld = send(RANDOM, OLD, "acme old");
    long globexOld = send(GLOBEX_GENERAL, OLD, "globex old");

    retention.run();

    assertThat(messages.find(RANDOM, acmeOld)).isEmpty();
    assertThat(messages.find(GLOBEX_GENERAL, globexOld)).isPresent();
    assertThat(search(GLOBEX_GENERAL, "old")).containsExactly(globexOld);
  }

  @Test
  void manyMessagesGoInBatchesAndASecondRunFindsNothing() {
    int count = MessageRetention.BATCH * 2 + 7;
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(send(GENERAL, OLD, "bulk " + i));
    }
    long kept = send(GENERAL, NEW, "bulk kept");

    assertThat(retention.run()).isEqualTo(count);
    assertThat(retention.run()).isZero();

    assertThat(messages.after(GENERAL, 0, 10)).extracting(Message::id).containsExactly(kept);
    assertThat(scalar("SELECT COUNT(*) FROM messages WHERE thread_id = ?", GENERAL)).isEqualTo(1);
    assertThat(search(GENERAL, "bulk")).containsExactly(kept);
  }

  @Test
  void aClientIdOfAPurgedMessageStartsANewMessage() {
    long old = send(GENERAL, OLD, "first try", Optional.of("c-1"), Optional.empty());
    retention.run();

    long id = nextId++;
    MessageStore.Appended again = messages.append(new NewMessage(id, GENERAL, ALICE, Optional.of("c-1"), "second try", NEW));

    assertThat(again.replayed()).isFalse();
    assertThat(again.message().id()).isEqualTo(id).isNotEqualTo(old);
  }

  @Test
  void changingThePolicyTakesEffectAtTheNextRun() {
    long twentyDaysOld = send(GENERAL, clock.instant().minus(Duration.ofDays(20)), "recent enough");
    retention.run();
    assertThat(messages.find(GENERAL, twentyDaysOld)).isPresent();

    workspaces.update(ACME, Optional.empty(), Optional.of(Optional.of(10)));
    retention.run();
    assertThat(messages.find(GENERAL, twentyDaysOld)).isEmpty();

    long other = send(GENERAL, clock.instant().minus(Duration.ofDays(20)), "kept forever");
    workspaces.update(ACME, Optional.empty(), Optional.of(Optional.empty()));
    assertThat(retention.run()).isZero();
    assertThat(messages.find(GENERAL, other)).isPresent();
  }
}
