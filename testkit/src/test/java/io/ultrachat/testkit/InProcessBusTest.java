package io.ultrachat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.kernel.bus.Bus;
import io.ultrachat.kernel.bus.InProcessBus;
import io.ultrachat.kernel.bus.Subjects;
import java.util.List;
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
  void manySubjectSubscriptionsEachGetOnlyTheirOwnSubjectAlongsideWildcards() throws Exception {
    int subjects = 5_000;
    try (InProcessBus bus = new InProcessBus(10_000)) {
      java.util.concurrent.atomic.AtomicLongArray got = new java.util.concurrent.atomic.AtomicLongArray(subjects);
      java.util.concurrent.atomic.AtomicInteger wildcard = new java.util.concurrent.atomic.AtomicInteger();
      CountDownLatch all = new CountDownLatch(subjects * 2);
      List<Bus.Subscription> subs = new java.util.ArrayList<>();
      for (int i = 0; i < subjects; i++) {
        int index = i;
        subs.add(bus.subscribe("chat.user." + i, m -> {
          got.incrementAndGet(index);
          all.countDown();
        }));
      }
      bus.subscribe("chat.user.*", m -> {
        wildcard.incrementAndGet();
        all.countDown();
      });
      for (int i = 0; i < subjects; i++) {
        bus.publish("chat.user." + i, new byte[] {1});
      }
      assertThat(all.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < subjects; i++) {
        assertThat(got.get(i)).as("subject %d", i).isEqualTo(1);
      }
      assertThat(wildcard.get()).isEqualTo(subjects);

      // A closed subscription hears nothing more; the others on the bus are unaffected.
      subs.getFirst().close();
      bus.publish("chat.user.0", new byte[] {2});
      bus.publish("chat.user.1", new byte[] {2});
      Thread.sleep(100);
      assertThat(got.get(0)).isEqualTo(1);
      assertThat(got.get(1)).isEqualTo(2);
      assertThat(bus.dropped()).isZero();
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
