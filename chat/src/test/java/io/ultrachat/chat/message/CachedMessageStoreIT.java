package io.ultrachat.chat.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ultrachat.cache.caffeine.CaffeineCacheFactory;
import io.ultrachat.chat.StoreContract;
import io.ultrachat.chat.conversation.Conversation;
import io.ultrachat.chat.conversation.Conversation.Kind;
import io.ultrachat.chat.conversation.ConversationStore;
import io.ultrachat.chat.conversation.JdbcConversationStore;
import io.ultrachat.chat.message.MessageStore.NewMessage;
import io.ultrachat.chat.workspace.JdbcWorkspaceStore;
import io.ultrachat.chat.workspace.Workspace;
import io.ultrachat.kernel.cache.CacheFactory;
import io.ultrachat.kernel.cache.CachePolicy;
import io.ultrachat.testkit.MutableClock;
import io.ultrachat.testkit.store.Concurrently;
import io.ultrachat.testkit.store.StoreFixture.Backend;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The history cache's tail (write-through of appends) against the database itself: whatever the
 * order of appends, edits, deletes and reads, from one node or two, a cached read equals an
 * uncached one; and a busy conversation's newest page stays a hit.
 */
class CachedMessageStoreIT extends StoreContract {
  private static final long ALICE = 1;
  private static final long WORKSPACE = 100;
  private static final long GENERAL = 10;

  private final AtomicLong ids = new AtomicLong(1000);
  private ConversationStore conversations;
  private JdbcMessageStore jdbc;
  private MessagePartitions partitions;

  CachedMessageStoreIT() {
    super(Backend.SQLITE);
  }

  @BeforeEach
  void createConversation() {
    new JdbcWorkspaceStore(db()).create(new Workspace(WORKSPACE, "acme", ALICE, BASE));
    conversations = new JdbcConversationStore(db());
    conversations.create(new Conversation(GENERAL, WORKSPACE, Kind.PUBLIC, "general", "", ALICE, BASE, Optional.empty(), 0));
    partitions = new MessagePartitions(db(), new MutableClock(BASE), 3);
    jdbc = new JdbcMessageStore(db(), partitions);
  }

  private CachedMessageStore node(MeterRegistry registry) {
    CacheFactory caches = new CaffeineCacheFactory(registry, Clock.systemUTC(), 1_000_000);
    return new CachedMessageStore(new JdbcMessageStore(db(), partitions),
        caches.create(new CachePolicy("chat-messages", Duration.ofMinutes(5), 500_000, CachePolicy.Invalidation.TIME)),
        caches.create(new CachePolicy("chat-message-versions", Duration.ofMinutes(5), 500_000, CachePolicy.Invalidation.SIZE)));
  }

  private Message append(MessageStore store, String body) {
    return store.append(new NewMessage(ids.incrementAndGet(), GENERAL, ALICE, Optional.empty(), body, BASE)).message();
  }

  private long last() {
    return conversations.find(GENERAL).orElseThrow().lastSeq();
  }

  private static double gets(MeterRegistry registry, String result) {
    return registry.get("cache.gets").tag("cache", "chat-messages").tag("result", result).functionCounter().count();
  }

  /**
   * Node b only appends: appends made elsewhere are what a tail must notice by itself. (Edits on
   * another node reach this one's versions through cache invalidation, which is not in this test.)
   */
  @Test
  void randomOperationsWithAppendsFromAnotherNodeReadWhatTheDatabaseHolds() {
    CachedMessageStore a = node(new SimpleMeterRegistry());
    CachedMessageStore b = node(new SimpleMeterRegistry());
    Random random = new Random(42);
    for (int op = 0; op < 3000; op++) {
      int dice = random.nextInt(100);
      long last = last();
      if (dice < 45 || last == 0) {
        append(random.nextInt(4) == 0 ? b : a, "m" + op);
      } else if (dice < 50) {
        long seq = 1 + random.nextInt((int) last);
        Message m = jdbc.before(GENERAL, seq + 1, 1).getFirst();
        if (!m.deleted()) {
          a.edit(GENERAL, m.id(), "edited " + op, BASE.plusSeconds(op), Mentions.NONE);
        }
      } else if (dice < 53) {
        long seq = 1 + random.nextInt((int) last);
        a.delete(GENERAL, jdbc.before(GENERAL, seq + 1, 1).getFirst().id(), BASE.plusSeconds(op));
      } else {
        // Mostly near the newest end, sometimes far back, sometimes past it.
        long before = switch (random.nextInt(4)) {
          case 0, 1 -> last + 1;
          case 2 -> Math.max(1, last + 1 - random.nextInt(300));
          default -> 1 + random.nextInt((int) last + 5);
        };
        int limit = 1 + random.nextInt(random.nextBoolean() ? 50 : 200);
        assertThat(a.before(GENERAL, before, limit)).as("op %d: before %d, limit %d", op, before, limit)
            .isEqualTo(jdbc.before(GENERAL, before, limit));
      }
    }
  }

  @Test
  void theNewestPageOfABusyConversationStaysAHit() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CachedMessageStore store = node(registry);
    for (int i = 0; i < 10; i++) {
      append(store, "before " + i);
    }
    store.before(GENERAL, last() + 1, 50);
    for (int i = 0; i < 300; i++) {
      append(store, "busy " + i);
      List<Message> page = store.before(GENERAL, last() + 1, 50);
      assertThat(page.getLast().body()).contains("busy " + i);
      // The "anything older?" probe under the page is served by the same tail.
      store.before(GENERAL, page.getFirst().seq(), 1);
    }
    assertThat(gets(registry, "miss")).isEqualTo(1);
    assertThat(gets(registry, "hit")).isEqualTo(600);
    assertThat(store.before(GENERAL, last() + 1, 50)).isEqualTo(jdbc.before(GENERAL, last() + 1, 50));
  }

  @Test
  void olderPagesWithinTheTailAreServedFromIt() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CachedMessageStore store = node(registry);
    for (int i = 0; i < 500; i++) {
      append(store, "m" + i);
    }
    Random random = new Random(7);
    for (int i = 0; i < 400; i++) {
      int page = random.nextInt(5);
      List<Message> got = store.before(GENERAL, 501 - 50L * page, 50);
      store.before(GENERAL, got.getFirst().seq(), 1);
    }
    assertThat(gets(registry, "miss")).isLessThanOrEqualTo(2);
  }

  @Test
  void concurrentAppendsNeverLeaveAStaleNewestPage() {
    CachedMessageStore store = node(new SimpleMeterRegistry());
    append(store, "first");
    store.before(GENERAL, last() + 1, 50);
    var outcomes = Concurrently.race(8, t -> () -> {
      for (int i = 0; i < 40; i++) {
        append(store, "t" + t + " m" + i);
        long last = last();
        assertThat(store.before(GENERAL, last + 1, 50)).isEqualTo(jdbc.before(GENERAL, last + 1, 50));
      }
      return true;
    });
    assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
    assertThat(store.before(GENERAL, last() + 1, 200)).isEqualTo(jdbc.before(GENERAL, last() + 1, 200));
  }

  @Test
  void anEditOnAnotherNodeIsSeenOnceItsVersionReachesThisOne() {
    CachedMessageStore a = node(new SimpleMeterRegistry());
    Message m = append(a, "draft");
    assertThat(a.before(GENERAL, 2, 50).getFirst().body()).contains("draft");
    a.edit(GENERAL, m.id(), "final", BASE.plusSeconds(1), Mentions.NONE);
    assertThat(a.before(GENERAL, 2, 50).getFirst().body()).contains("final");
    assertThat(a.before(GENERAL, 2, 50)).isEqualTo(jdbc.before(GENERAL, 2, 50));
  }
}
