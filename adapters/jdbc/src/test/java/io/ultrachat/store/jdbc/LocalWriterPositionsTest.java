package io.ultrachat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalWriterPositionsTest {
  private final TestClock clock = new TestClock();

  @Test
  void aReadNeedsTheHighestPositionOfItsWriters() {
    LocalWriterPositions p = new LocalWriterPositions(clock, Duration.ofSeconds(10), 100);
    p.wrote(List.of("user:1"), 100);
    p.wrote(List.of("user:2", "conversation:7"), 250);
    p.wrote(List.of("user:1"), 90); // an older position never lowers a newer one

    assertThat(p.required(Set.of("user:1"))).isEqualTo(100);
    assertThat(p.required(Set.of("user:1", "conversation:7"))).isEqualTo(250);
    assertThat(p.required(Set.of("user:3"))).isZero();
    assertThat(p.required(Set.of())).isZero();
  }

  @Test
  void positionsExpire() {
    LocalWriterPositions p = new LocalWriterPositions(clock, Duration.ofSeconds(10), 100);
    p.wrote(List.of("user:1"), 100);
    clock.advance(Duration.ofSeconds(9));
    assertThat(p.required(Set.of("user:1"))).isEqualTo(100);
    clock.advance(Duration.ofSeconds(1));
    assertThat(p.required(Set.of("user:1"))).isZero();
    assertThat(p.size()).isZero();
  }

  @Test
  void evictedPositionsRaiseAFloorSoNoReadMissesAWrite() {
    LocalWriterPositions p = new LocalWriterPositions(clock, Duration.ofSeconds(10), 10);
    for (int i = 1; i <= 11; i++) {
      p.wrote(List.of("user:" + i), i * 10L);
    }
    assertThat(p.size()).isLessThanOrEqualTo(10);
    // Whoever was evicted, each writer still needs at least its own position.
    for (int i = 1; i <= 11; i++) {
      assertThat(p.required(Set.of("user:" + i))).isGreaterThanOrEqualTo(i * 10L);
    }
    // Readers without writers are not held back by the floor; once it expires, nobody is.
    assertThat(p.required(Set.of())).isZero();
    clock.advance(Duration.ofSeconds(10));
    assertThat(p.required(Set.of("user:5"))).isZero();
  }
}
