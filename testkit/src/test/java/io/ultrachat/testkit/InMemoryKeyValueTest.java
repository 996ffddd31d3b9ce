package io.ultrachat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ultrachat.kernel.kv.InMemoryKeyValue;
import io.ultrachat.kernel.kv.KeyValue;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The in-memory key-value store against the shared contract, plus its own bounds. */
class InMemoryKeyValueTest extends KeyValueContract {
  private final InMemoryKeyValue kv = new InMemoryKeyValue(clock);

  @Override
  protected KeyValue keyValue() {
    return kv;
  }

  @Test
  void expiredEntriesArePurgedNotKeptForever() {
    for (int i = 0; i < 100; i++) {
      kv.put("k" + i, "v", Duration.ofSeconds(1));
      kv.putField("h" + i, "f", "v", Duration.ofSeconds(1));
    }
    assertThat(kv.size()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(2));
    kv.purgeExpired();
    assertThat(kv.size()).isZero();
  }

  @Test
  void staysWithinItsBoundAndMakesRoomFromExpiredEntries() {
    InMemoryKeyValue small = new InMemoryKeyValue(clock, 3);
    small.put("a", "1", Duration.ofSeconds(1));
    small.put("b", "1", Duration.ofSeconds(10));
    small.put("c", "1", Duration.ofSeconds(10));
    assertThatThrownBy(() -> small.put("d", "1", Duration.ofSeconds(10))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("3");
    // Replacing an existing key needs no room.
    small.put("c", "2", Duration.ofSeconds(10));
    clock.advance(Duration.ofSeconds(2));
    // "a" expired, which makes room.
    small.put("d", "1", Duration.ofSeconds(10));
    assertThat(small.get("d")).contains("1");
    assertThat(small.get("a")).isEmpty();
  }

  @Test
  void aHashHoldsAtMostTheBoundInFields() {
    InMemoryKeyValue small = new InMemoryKeyValue(clock, 2);
    small.putField("h", "a", "1", Duration.ofSeconds(10));
    small.putField("h", "b", "1", Duration.ofSeconds(10));
    assertThatThrownBy(() -> small.putField("h", "c", "1", Duration.ofSeconds(10))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("fields");
    assertThat(small.fields("h")).containsOnlyKeys("a", "b");
  }

  /** Regression: a hash purges lazily from a lower bound of its expiries; refreshed fields must not fool it. */
  @Test
  void fieldsOfABigHashExpireOneByOneWhileRefreshedOnesStay() {
    for (int i = 0; i < 1000; i++) {
      kv.putField("announced", "u" + i, "online", Duration.ofSeconds(10 + i % 10));
    }
    // Refresh the earliest ones with a later expiry: the hash's lower bound is now stale.
    for (int i = 0; i < 1000; i += 10) {
      kv.putField("announced", "u" + i, "away", Duration.ofSeconds(60));
    }
    clock.advance(Duration.ofSeconds(14));
    // Fields 1..4 mod 10 expired at 11..14 s; 0 mod 10 (10 s) were refreshed to 60 s.
    assertThat(kv.fields("announced")).hasSize(600).containsEntry("u0", "away").doesNotContainKey("u1").containsKey("u5");
    assertThat(kv.getField("announced", "u3")).isEmpty();
    assertThat(kv.putField("announced", "u3", "online", Duration.ofSeconds(1))).isEmpty();
    clock.advance(Duration.ofSeconds(40));
    assertThat(kv.fields("announced")).containsOnlyKeys(java.util.stream.IntStream.range(0, 100)
        .mapToObj(i -> "u" + (i * 10)).toArray(String[]::new));
    clock.advance(Duration.ofSeconds(10));
    assertThat(kv.fields("announced")).isEmpty();
    assertThat(kv.deleteField("announced", "u0")).isEmpty();
  }
}
