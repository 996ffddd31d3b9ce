package io.ultrachat.chat.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.chat.StoreContract;
import io.ultrachat.chat.conversation.Conversation;
import io.ultrachat.chat.conversation.Conversation.Kind;
import io.ultrachat.chat.conversation.ConversationStore;
import io.ultrachat.chat.conversation.JdbcConversationStore;
import io.ultrachat.chat.message.MessageStore.NewMessage;
import io.ultrachat.chat.workspace.JdbcWorkspaceStore;
import io.ultrachat.chat.workspace.Workspace;
import io.ultrachat.testkit.MutableClock;
import io.ultrachat.testkit.store.Concurrently;
import io.ultrachat.testkit.store.StoreFixture.Backend;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@link ExtrasStore} contract (reactions, pins, mentions) and mention writes of {@link JdbcMessageStore}. */
public abstract class ExtrasStoreContract extends StoreContract {
  private static final long ALICE = 1;
  private static final long BOB = 2;
  private static final long WORKSPACE = 100;
  private static final long GENERAL = 10;

  private final AtomicLong ids = new AtomicLong(1000);
  private ConversationStore conversations;
  private MessageStore messages;
  private ExtrasStore store;

  protected ExtrasStoreContract(Backend backend) {
    super(backend);
  }

  @BeforeEach
  void createStores() {
    new JdbcWorkspaceStore(db()).create(new Workspace(WORKSPACE, "acme", ALICE, BASE));
    conversations = new JdbcConversationStore(db());
    conversations.create(new Conversation(GENERAL, WORKSPACE, Kind.PUBLIC, "general", "", ALICE, BASE, Optional.empty(), 0));
    conversations.addMember(GENERAL, BOB, BASE);
    messages = new JdbcMessageStore(db(), new MessagePartitions(db(), new MutableClock(BASE), 3));
    store = new ExtrasStore(db());
  }

  private Message send(long id, long user, Mentions mentions) {
    return messages.append(new NewMessage(id, GENERAL, user, Optional.empty(), "m" + id, BASE.plusSeconds(id), mentions)).message();
  }

  @Test
  void reactionsCountPerEmojiInOrderOfFirstUseWithMe() {
    Message m = send(1, ALICE, Mentions.NONE);
    assertThat(store.addReaction(ids.incrementAndGet(), GENERAL, 1, BOB, "tada", BASE, 20).change())
        .isEqualTo(new ExtrasStore.ReactionChange(true, 1));
    assertThat(store.addReaction(ids.incrementAndGet(), GENERAL, 1, BOB, "tada", BASE, 20).change())
        .isEqualTo(new ExtrasStore.ReactionChange(false, 1));
    store.addReaction(ids.incrementAndGet(), GENERAL, 1, ALICE, "fire", BASE, 20);
    store.addReaction(ids.incrementAndGet(), GENERAL, 1, ALICE, "tada", BASE, 20);
    MessageExtras asAlice = store.extras(GENERAL, List.of(m.id()), ALICE).of(m.id());
    assertThat(asAlice.reactions()).containsExactly(new MessageExtras.Reaction("tada", 2, true), new MessageExtras.Reaction("fire", 1, true));
    assertThat(store.extras(GENERAL, List.of(m.id()), BOB).of(m.id()).reactions())
        .containsExactly(new MessageExtras.Reaction("tada", 2, true), new MessageExtras.Reaction("fire", 1, false));
    assertThat(store.removeReaction(1, BOB, "tada")).isEqualTo(new ExtrasStore.ReactionChange(true, 1));
    assertThat(store.removeReaction(1, BOB, "tada")).isEqualTo(new ExtrasStore.ReactionChange(false, 1));
    // Deleting the message drops its reactions.
    messages.delete(GENERAL, 1, BASE.plusSeconds(60));
    assertThat(store.extras(GENERAL, List.of(m.id()), ALICE).of(m.id()).reactions()).isEmpty();
  }

  @Test
  void distinctEmojiAreLimited() {
    send(1, ALICE, Mentions.NONE);
    for (int i = 0; i < 3; i++) {
      assertThat(store.addReaction(ids.incrementAndGet(), GENERAL, 1, ALICE, "e" + i, BASE, 3).refusal())
          .isEqualTo(ExtrasStore.Refusal.NONE);
    }
    assertThat(store.addReaction(ids.incrementAndGet(), GENERAL, 1, ALICE, "e9", BASE, 3).refusal()).isEqualTo(ExtrasStore.Refusal.LIMIT);
    assertThat(store.addReaction(ids.incrementAndGet(), GENERAL, 1, BOB, "e1", BASE, 3).refusal()).isEqualTo(ExtrasStore.Refusal.NONE);
  }

  @Test
  void concurrentReactionsAreCountedOncePerUserAndTheLimitHolds() {
    send(1, ALICE, Mentions.NONE);
    var sameUser = Concurrently.race(8, i -> () -> store.addReaction(ids.incrementAndGet(), GENERAL, 1, BOB, "fire", BASE, 20));
    assertThat(sameUser).allMatch(Concurrently.Outcome::succeeded);
    assertThat(sameUser.stream().filter(o -> o.value().change().changed()).count()).isEqualTo(1);
    var eightUsers = Concurrently.race(8, i -> () -> store.addReaction(ids.incrementAndGet(), GENERAL, 1, 10 + i, "tada", BASE, 20));
    assertThat(eightUsers).allMatch(Concurrently.Outcome::succeeded);
    var distinct = Concurrently.race(8, i -> () -> store.addReaction(ids.incrementAndGet(), GENERAL, 1, ALICE, "x" + i, BASE, 5));
    assertThat(distinct).allMatch(Concurrently.Outcome::succeeded);
    assertThat(store.extras(GENERAL, List.of(1L), ALICE).of(1).reactions()).hasSize(5)
        .startsWith(new MessageExtras.Reaction("fire", 1, false), new MessageExtras.Reaction("tada", 8, false));
  }

  @Test
  void pinsAreNewestFirstAndLimited() {
    send(1, ALICE, Mentions.NONE);
    send(2, ALICE, Mentions.NONE);
    send(3, ALICE, Mentions.NONE);
    assertThat(store.pin(ids.incrementAndGet(), GENERAL, 2, BOB, BASE, 2)).isEqualTo(new ExtrasStore.PinResult(true, false));
    assertThat(store.pin(ids.incrementAndGet(), GENERAL, 1, BOB, BASE, 2)).isEqualTo(new ExtrasStore.PinResult(true, false));
    assertThat(store.pin(ids.incrementAndGet(), GENERAL, 1, BOB, BASE, 2)).isEqualTo(new ExtrasStore.PinResult(false, false));
    assertThat(store.pin(ids.incrementAndGet(), GENERAL, 3, BOB, BASE, 2)).isEqualTo(new ExtrasStore.PinResult(false, true));
    assertThat(store.pins(GENERAL)).containsExactly(1L, 2L);
    assertThat(store.extras(GENERAL, List.of(1L, 3L), BOB).of(1).pinned()).isTrue();
    assertThat(store.extras(GENERAL, List.of(1L, 3L), BOB).of(3).pinned()).isFalse();
    assertThat(store.unpin(GENERAL, 1)).isTrue();
    assertThat(store.unpin(GENERAL, 1)).isFalse();
    assertThat(store.pins(GENERAL)).containsExactly(2L);
  }

  @Test
  void mentionsAreStoredReplacedOnEditAndCountedAfterTheReadMark() {
    send(1, ALICE, new Mentions(List.of(BOB), false));
    send(2, ALICE, new Mentions(List.of(), true));
    send(3, BOB, new Mentions(List.of(BOB), true));
    send(4, ALICE, Mentions.NONE);
    assertThat(store.extras(GENERAL, List.of(1L), ALICE).of(1).mentions()).isEqualTo(new Mentions(List.of(BOB), false));
    assertThat(store.extras(GENERAL, List.of(2L), ALICE).of(2).mentions()).isEqualTo(new Mentions(List.of(), true));
    // Bob's own message does not count for him; alice is mentioned by his @channel.
    assertThat(store.mentionCount(GENERAL, BOB, 0)).isEqualTo(2);
    assertThat(store.mentionCount(GENERAL, BOB, 1)).isEqualTo(1);
    assertThat(store.mentionCount(GENERAL, ALICE, 0)).isEqualTo(1);
    assertThat(store.mentionCounts(BOB)).containsEntry(GENERAL, 2L);
    conversations.markRead(GENERAL, BOB, 1);
    assertThat(store.mentionCounts(BOB)).containsEntry(GENERAL, 1L);

    messages.edit(GENERAL, 2, "no one", BASE.plusSeconds(99), Mentions.NONE);
    assertThat(store.mentionCounts(BOB)).doesNotContainKey(GENERAL);
    messages.edit(GENERAL, 4, "@bob", BASE.plusSeconds(99), new Mentions(List.of(BOB), false));
    assertThat(store.mentionCount(GENERAL, BOB, 1)).isEqualTo(1);
    messages.delete(GENERAL, 4, BASE.plusSeconds(100));
    assertThat(store.mentionCount(GENERAL, BOB, 1)).isZero();
  }
}
