package io.ultrachat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.kernel.error.Unavailable;
import io.ultrachat.kernel.kv.InMemoryKeyValue;
import io.ultrachat.kernel.kv.KeyValue;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SharedWriterPositionsTest {
  private static final Duration KEEP = Duration.ofSeconds(10);
  private final TestClock clock = new TestClock();
  private final KeyValue store = new InMemoryKeyValue(clock);
  private final AtomicBoolean storeDown = new AtomicBoolean();
  /** {@link #store}, failing every call as Redis does while {@link #storeDown} is set. */
  private final KeyValue flakyStore = (KeyValue) Proxy.newProxyInstance(KeyValue.class.getClassLoader(),
      new Class<?>[] {KeyValue.class}, (proxy, method, args) -> {
        if (storeDown.get()) {
          throw new Unavailable("Redis is unavailable (test)");
        }
        try {
          return method.invoke(store, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      });

  private SharedWriterPositions node(String name) {
    return new SharedWriterPositions(new LocalWriterPositions(clock, KEEP, 1_000), flakyStore, "ryw:chat:", name, clock, KEEP);
  }

  @Test
  void aPositionRecordedOnOneNodeHoldsReadsOnAnother() {
    SharedWriterPositions a = node("a");
    SharedWriterPositions b = node("b");
    a.wrote(List.of("user:1", "conversation:7"), 100);
    b.wrote(List.of("user:2"), 300);
    b.wrote(List.of("conversation:7"), 200);

    assertThat(b.required(Set.of("user:1"))).isEqualTo(100);
    assertThat(a.required(Set.of("user:2"))).isEqualTo(300);
    assertThat(a.required(Set.of("conversation:7"))).isEqualTo(200);
    assertThat(a.required(Set.of("user:3"))).isZero();
    assertThat(a.required(Set.of())).isZero();
  }

  @Test
  void anOlderPositionNeverLowersANewerOneAndPositionsExpire() {
    SharedWriterPositions a = node("a");
    SharedWriterPositions b = node("b");
    a.wrote(List.of("user:1"), 100);
    a.wrote(List.of("user:1"), 90);
    assertThat(b.required(Set.of("user:1"))).isEqualTo(100);

    clock.advance(KEEP);
    assertThat(b.required(Set.of("user:1"))).isZero();
  }

  @Test
  void whileTheStoreIsDownReadsWithWritersGoToThePrimaryAndWritesStillSucceed() {
    SharedWriterPositions a = node("a");
    SharedWriterPositions b = node("b");
    storeDown.set(true);
    a.wrote(List.of("user:1"), 100); // committed already: must not throw
    assertThat(b.required(Set.of("user:9"))).isEqualTo(Long.MAX_VALUE);
    assertThat(b.required(Set.of())).isZero();

    // Back up, but node A could not publish its write: it distrusts the store until the position would have expired.
    storeDown.set(false);
    assertThat(a.required(Set.of("user:9"))).isEqualTo(Long.MAX_VALUE);
    assertThat(b.required(Set.of("user:9"))).isZero();
    clock.advance(KEEP);
    assertThat(a.required(Set.of("user:9"))).isZero();
  }
}
