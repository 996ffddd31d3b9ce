package io.ultrachat.chat.preferences;

import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.chat.MapCache;
import io.ultrachat.chat.StoreContract;
import io.ultrachat.chat.preferences.PreferenceStore.Update;
import io.ultrachat.chat.preferences.Preferences.ConversationOverride;
import io.ultrachat.chat.preferences.Preferences.Notifications;
import io.ultrachat.chat.preferences.Preferences.Theme;
import io.ultrachat.store.jdbc.Database;
import io.ultrachat.testkit.store.StoreFixture.Backend;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link PreferenceStore} contract; subclasses name the backend. Every test runs on the JDBC
 * store and on the JDBC store behind {@link CachedPreferenceStore}, since the decorator must
 * honour the same contract (and return fresh values after each of its writes).
 */
public abstract class PreferenceStoreContract extends StoreContract {
  private static final long ALICE = 1;
  private static final long BOB = 2;
  private static final ConversationOverride MUTED = new ConversationOverride(Notifications.NONE, true);
  private static final ConversationOverride MENTIONS = new ConversationOverride(Notifications.MENTIONS, false);

  private final boolean cached;
  private PreferenceStore store;

  protected PreferenceStoreContract(Backend backend, boolean cached) {
    super(backend);
    this.cached = cached;
  }

  @BeforeEach
  void createStore() {
    store = newStore(db());
  }

  private PreferenceStore newStore(Database db) {
    PreferenceStore jdbc = new JdbcPreferenceStore(db);
    return cached ? new CachedPreferenceStore(jdbc, new MapCache<>("user-preferences")) : jdbc;
  }

  private static Update theme(Theme t) {
    return new Update(Optional.of(t), Optional.empty(), Optional.empty());
  }

  @Test
  void aUserWithNothingStoredHasTheDefaults() {
    assertThat(store.get(ALICE)).isEqualTo(Preferences.DEFAULTS);
    assertThat(Preferences.DEFAULTS.theme()).isEqualTo(Theme.SYSTEM);
    assertThat(Preferences.DEFAULTS.timeZone()).isEqualTo("UTC");
    assertThat(Preferences.DEFAULTS.locale()).isEmpty();
    assertThat(Preferences.DEFAULTS.conversations()).isEmpty();
  }

  @Test
  void updateChangesOnlyTheNamedFieldsAndOnlyForThatUser() {
    store.update(ALICE, theme(Theme.DARK), BASE);
    assertThat(store.get(ALICE)).isEqualTo(new Preferences(Theme.DARK, "UTC", Optional.empty(), Map.of()));

    store.update(ALICE, new Update(Optional.empty(), Optional.of("Europe/Berlin"), Optional.empty()), BASE.plusSeconds(1));
    store.update(ALICE, new Update(Optional.empty(), Optional.empty(), Optional.of(Optional.of("de-DE"))), BASE.plusSeconds(2));
    assertThat(store.get(ALICE)).isEqualTo(new Preferences(Theme.DARK, "Europe/Berlin", Optional.of("de-DE"), Map.of()));

    store.update(ALICE, new Update(Optional.of(Theme.LIGHT), Optional.of("Asia/Tokyo"), Optional.empty()), BASE.plusSeconds(3));
    assertThat(store.get(ALICE)).isEqualTo(new Preferences(Theme.LIGHT, "Asia/Tokyo", Optional.of("de-DE"), Map.of()));
    assertThat(store.get(BOB)).isEqualTo(Preferences.DEFAULTS);
    assertThat(scalar("SELECT COUNT(*) FROM chat_user_preferences")).isEqualTo(1);
  }

  @Test
  void aLocaleCanBeRemoved() {
    store.update(ALICE, new Update(Optional.empty(), Optional.empty(), Optional.of(Optional.of("en-US"))), BASE);
    store.update(ALICE, new Update(Optional.empty(), Optional.empty(), Optional.of(Optional.empty())), BASE.plusSeconds(1));

    assertThat(store.get(ALICE).locale()).isEmpty();
    assertThat(scalar("SELECT COUNT(*) FROM chat_user_preferences WHERE locale IS NULL")).isEqualTo(1);
  }

  @Test
  void conversationOverridesArePutReplacedListedByIdAndRemoved() {
    assertThat(store.putConversation(ALICE, 300, MUTED, 10, BASE)).isTrue();
    assertThat(store.putConversation(ALICE, 100, MENTIONS, 10, BASE)).isTrue();
    assertThat(store.putConversation(BOB, 100, MUTED, 10, BASE)).isTrue();

    assertThat(store.get(ALICE).conversations()).containsExactly(Map.entry(100L, MENTIONS), Map.entry(300L, MUTED));
    assertThat(store.get(ALICE).theme()).as("general preferences stay at their defaults").isEqualTo(Theme.SYSTEM);

    ConversationOverride all = new ConversationOverride(Notifications.ALL, true);
    assertThat(store.putConversation(ALICE, 100, all, 10, BASE.plusSeconds(1))).isTrue();
    assertThat(store.get(ALICE).conversations()).containsExactly(Map.entry(100L, all), Map.entry(300L, MUTED));
    assertThat(scalar("SELECT COUNT(*) FROM chat_conversation_preferences WHERE user_id = ?", ALICE)).isEqualTo(2);

    assertThat(store.removeConversation(ALICE, 100)).isTrue();
    assertThat(store.removeConversation(ALICE, 100)).isFalse();
    assertThat(store.removeConversation(ALICE, 999)).isFalse();
    assertThat(store.get(ALICE).conversations()).containsExactly(Map.entry(300L, MUTED));
    assertThat(store.get(BOB).conversations()).containsExactly(Map.entry(100L, MUTED));
  }

  @Test
  void theOverrideLimitRefusesANewConversationButNotAReplacement() {
    for (long c = 1; c <= 3; c++) {
      assertThat(store.putConversation(ALICE, c, MUTED, 3, BASE)).isTrue();
    }

    assertThat(store.putConversation(ALICE, 4, MUTED, 3, BASE)).isFalse();
    assertThat(store.putConversation(ALICE, 2, MENTIONS, 3, BASE)).as("replacing an existing one").isTrue();
    assertThat(store.putConversation(BOB, 4, MUTED, 3, BASE)).as("the limit is per user").isTrue();
    assertThat(store.get(ALICE).conversations()).containsOnlyKeys(1L, 2L, 3L).containsEntry(2L, MENTIONS);

    store.removeConversation(ALICE, 1);
    assertThat(store.putConversation(ALICE, 4, MUTED, 3, BASE)).isTrue();
    assertThat(store.get(ALICE).conversations()).containsOnlyKeys(2L, 3L, 4L);
  }

  @Test
  void concurrentPutsOfOneUserNeverExceedTheLimit() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Boolean>> puts = IntStream.range(0, 16)
          .<Callable<Boolean>>mapToObj(i -> () -> store.putConversation(ALICE, 1000 + i, MUTED, 5, BASE)).toList();
      long accepted = 0;
      for (Future<Boolean> f : pool.invokeAll(puts)) {
        accepted += f.get() ? 1 : 0;
      }
      assertThat(accepted).isEqualTo(5);
      assertThat(scalar("SELECT COUNT(*) FROM chat_conversation_preferences WHERE user_id = ?", ALICE)).isEqualTo(5);
      assertThat(store.get(ALICE).conversations()).hasSize(5);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void overridesLeaveGeneralPreferencesAloneAndTheOtherWayRound() {
    store.update(ALICE, new Update(Optional.of(Theme.DARK), Optional.of("America/New_York"), Optional.of(Optional.of("en-US"))), BASE);
    store.putConversation(ALICE, 7, MUTED, 10, BASE.plusSeconds(1));
    store.update(ALICE, theme(Theme.LIGHT), BASE.plusSeconds(2));

    assertThat(store.get(ALICE)).isEqualTo(new Preferences(Theme.LIGHT, "America/New_York", Optional.of("en-US"), Map.of(7L, MUTED)));
  }
}
