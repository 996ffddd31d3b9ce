package io.ultrachat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.kernel.bus.Bus;
import io.ultrachat.kernel.bus.InProcessBus;
import io.ultrachat.kernel.bus.Subjects;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The in-process bus against the shared contract, plus its own overflow rule. */
class InProcessBusTest extends BusContract {
  @Override
  protected Bus newBus() {
    return new InProcessBus(1024);
  }

  @Test
  void aFullSubscriberQueueDropsAndCountsInsteadOfBlockingThePublisher() {
    CountDownLatch never = new CountDownLatch(1);
    try (InProcessBus small = new InProcessBus(2)) {
      small.subscribe("q", m -> {
        try {
          never.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      for (int i = 0; i < 50; i++) {
        small.publish("q", new byte[] {1});
      }
      assertThat(small.dropped()).isBetween(47L, 48L);
    }
  }

  @Test
  void subjectMatching() {
    assertThat(Subjects.matches("a.*", "a.b")).isTrue();
    assertThat(Subjects.matches("a.*", "a.b.c")).isFalse();
    assertThat(Subjects.matches("a.>", "a.b.c")).isTrue();
    assertThat(Subjects.matches("a.>", "a")).isFalse();
    assertThat(Subjects.matches("a.b", "a.b")).isTrue();
    assertThat(Subjects.matches("a.b", "a.bc")).isFalse();
  }
}
