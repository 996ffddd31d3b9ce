package io.ultrachat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ultrachat.kernel.kv.KeyValue;
import io.ultrachat.testkit.store.Concurrently;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link KeyValue}, for every implementation: subclass it, return a store whose
 * time comes from {@link #clock} (or override {@link #elapse} to wait for real, for a server
 * such as Redis). Keys carry a fresh prefix per test, so a shared server needs no cleanup.
 */
public abstract class KeyValueContract {
  /** A TTL short enough that {@link #elapse}-ing past it is cheap even for real. */
  protected static final Duration TTL = Duration.ofMillis(400);

  protected final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final String prefix = "kvc-" + UUID.randomUUID() + ":";

  protected abstract KeyValue keyValue();

  /** Lets {@code d} pass for the store under test. */
  protected void elapse(Duration d) {
    clock.advance(d);
  }

  private String key(String name) {
    return prefix + name;
  }

  @Test
  void aValueLivesUntilItsTtlEnds() {
    KeyValue kv = keyValue();
    kv.put(key("k"), "v", TTL);
    assertThat(kv.get(key("k"))).contains("v");
    elapse(TTL.minusMillis(150));
    assertThat(kv.get(key("k"))).contains("v");
    elapse(Duration.ofMillis(200));
    assertThat(kv.get(key("k"))).isEmpty();
    assertThat(kv.get(key("never-written"))).isEmpty();
  }

  @Test
  void putReplacesTheValueAndItsTtl() {
    KeyValue kv = keyValue();
    kv.put(key("k"), "old", TTL);
    elapse(TTL.minusMillis(150));
    kv.put(key("k"), "new", TTL);
    elapse(Duration.ofMillis(200));
    assertThat(kv.get(key("k"))).contains("new");
  }

  @Test
  void putIfAbsentSetsOnlyWhatIsNotThereOrExpired() {
    KeyValue kv = keyValue();
    assertThat(kv.putIfAbsent(key("k"), "first", TTL)).isTrue();
    assertThat(kv.putIfAbsent(key("k"), "second", TTL)).isFalse();
    assertThat(kv.get(key("k"))).contains("first");
    elapse(TTL.plusMillis(50));
    assertThat(kv.putIfAbsent(key("k"), "third", TTL)).isTrue();
    assertThat(kv.get(key("k"))).contains("third");
  }

  @Test
  void deleteRemovesValuesAndHashesAndSaysWhetherThereWasOne() {
    KeyValue kv = keyValue();
    kv.put(key("v"), "x", TTL);
    kv.putField(key("h"), "f", "x", TTL);
    assertThat(kv.delete(key("v"))).isTrue();
    assertThat(kv.delete(key("h"))).isTrue();
    assertThat(kv.delete(key("v"))).isFalse();
    assertThat(kv.get(key("v"))).isEmpty();
    assertThat(kv.fields(key("h"))).isEmpty();
    kv.put(key("gone"), "x", TTL);
    elapse(TTL.plusMillis(50));
    assertThat(kv.delete(key("gone"))).isFalse();
  }

  @Test
  void incrementCountsInAFixedWindowThatStartsAgainAfterItEnds() {
    KeyValue kv = keyValue();
    assertThat(kv.increment(key("c"), 1, TTL)).isEqualTo(1);
    elapse(TTL.minusMillis(150));
    // A later increment does not extend the window.
    assertThat(kv.increment(key("c"), 2, TTL)).isEqualTo(3);
    assertThat(kv.get(key("c"))).contains("3");
    elapse(Duration.ofMillis(200));
    assertThat(kv.get(key("c"))).isEmpty();
    assertThat(kv.increment(key("c"), 1, TTL)).isEqualTo(1);
    assertThat(kv.increment(key("c"), -5, TTL)).isEqualTo(-4);
  }

  @Test
  void concurrentIncrementsAreAllCounted() {
    KeyValue kv = keyValue();
    var outcomes = Concurrently.race(8, i -> () -> {
      for (int n = 0; n < 250; n++) {
        kv.increment(key("c"), 1, Duration.ofMinutes(1));
      }
      return null;
    });
    assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded);
    assertThat(kv.get(key("c"))).contains("2000");
  }

  @Test
  void racingPutIfAbsentHasExactlyOneWinner() {
    KeyValue kv = keyValue();
    var outcomes = Concurrently.race(8, i -> () -> kv.putIfAbsent(key("lock"), "owner-" + i, Duration.ofMinutes(1)));
    assertThat(outcomes.stream().filter(o -> Boolean.TRUE.equals(o.value())).count()).isEqualTo(1);
  }

  @Test
  void hashFieldsExpireEachOnItsOwn() {
    KeyValue kv = keyValue();
    kv.putField(key("devices"), "phone", "away", TTL);
    elapse(Duration.ofMillis(200));
    kv.putField(key("devices"), "laptop", "online", TTL);
    assertThat(kv.fields(key("devices"))).isEqualTo(Map.of("phone", "away", "laptop", "online"));
    assertThat(kv.getField(key("devices"), "phone")).contains("away");
    elapse(Duration.ofMillis(250));
    assertThat(kv.fields(key("devices"))).isEqualTo(Map.of("laptop", "online"));
    assertThat(kv.getField(key("devices"), "phone")).isEmpty();
    // Refreshing a field renews only that field.
    kv.putField(key("devices"), "laptop", "online", TTL);
    elapse(Duration.ofMillis(250));
    assertThat(kv.fields(key("devices"))).containsOnlyKeys("laptop");
    elapse(Duration.ofMillis(200));
    assertThat(kv.fields(key("devices"))).isEmpty();
    assertThat(kv.getField(key("devices"), "laptop")).isEmpty();
  }

  @Test
  void putFieldAndDeleteFieldReturnThePreviousLiveValue() {
    KeyValue kv = keyValue();
    assertThat(kv.putField(key("h"), "f", "one", TTL)).isEmpty();
    assertThat(kv.putField(key("h"), "f", "two", TTL)).contains("one");
    assertThat(kv.deleteField(key("h"), "f")).contains("two");
    assertThat(kv.deleteField(key("h"), "f")).isEmpty();
    assertThat(kv.deleteField(key("no-such-hash"), "f")).isEmpty();
    kv.putField(key("h"), "f", "three", TTL);
    elapse(TTL.plusMillis(50));
    // An expired field counts as absent.
    assertThat(kv.putField(key("h"), "f", "four", TTL)).isEmpty();
    elapse(TTL.plusMillis(50));
    assertThat(kv.deleteField(key("h"), "f")).isEmpty();
  }

  @Test
  void deletingTheLastFieldLeavesNoHash() {
    KeyValue kv = keyValue();
    kv.putField(key("h"), "a", "1", TTL);
    kv.putField(key("h"), "b", "2", TTL);
    kv.deleteField(key("h"), "a");
    assertThat(kv.fields(key("h"))).isEqualTo(Map.of("b", "2"));
    kv.deleteField(key("h"), "b");
    assertThat(kv.fields(key("h"))).isEmpty();
    assertThat(kv.delete(key("h"))).isFalse();
  }

  @Test
  void usingAKeyAsTheOtherKindIsAnError() {
    KeyValue kv = keyValue();
    kv.put(key("v"), "not a number", TTL);
    kv.putField(key("h"), "f", "x", TTL);
    assertThatThrownBy(() -> kv.putField(key("v"), "f", "x", TTL)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> kv.fields(key("v"))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> kv.get(key("h"))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> kv.increment(key("v"), 1, TTL)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> kv.increment(key("h"), 1, TTL)).isInstanceOf(IllegalStateException.class);
    // Nothing changed.
    assertThat(kv.get(key("v"))).contains("not a number");
    assertThat(kv.fields(key("h"))).isEqualTo(Map.of("f", "x"));
  }

  @Test
  void badArgumentsAreRefusedWithTheirName() {
    KeyValue kv = keyValue();
    assertThatThrownBy(() -> kv.put(key("k"), "v", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
    assertThatThrownBy(() -> kv.put(key("k"), "v", Duration.ofMillis(-5))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ttl");
    assertThatThrownBy(() -> kv.put("", "v", TTL)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key");
    assertThatThrownBy(() -> kv.putField(key("h"), "", "v", TTL)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("field");
    assertThatThrownBy(() -> kv.get("k".repeat(KeyValue.NAME_MAX + 1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key");
    assertThat(kv.get(key("k"))).isEmpty();
    assertThat(kv.fields(key("h"))).isEmpty();
  }
}
