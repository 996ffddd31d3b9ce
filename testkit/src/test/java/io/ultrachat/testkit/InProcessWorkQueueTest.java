package io.ultrachat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ultrachat.kernel.error.Unavailable;
import io.ultrachat.kernel.queue.InProcessWorkQueue;
import io.ultrachat.kernel.queue.Outcome;
import io.ultrachat.kernel.queue.RetryPolicy;
import io.ultrachat.kernel.queue.WorkQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The in-process work queue against the shared contract, plus its own bounds. */
class InProcessWorkQueueTest extends WorkQueueContract {
  @Override
  protected WorkQueue newWorkQueue(RetryPolicy policy) {
    return new InProcessWorkQueue(10_000, policy, Clock.systemUTC());
  }

  @Test
  void aFullQueueRefusesWithUnavailableAndAcceptsAgainOnceJobsFinish() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (InProcessWorkQueue small = new InProcessWorkQueue(3, POLICY, Clock.systemUTC())) {
      String q = queue("full");
      for (int i = 0; i < 3; i++) {
        small.enqueue(q, bytes("f" + i));
      }
      assertThatThrownBy(() -> small.enqueue(q, bytes("one too many")))
          .isInstanceOf(Unavailable.class).hasMessageContaining("full");
      CountDownLatch done = new CountDownLatch(3);
      small.consume(q, 3, job -> {
        release.await(10, TimeUnit.SECONDS);
        done.countDown();
        return Outcome.done();
      });
      release.countDown();
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> small.size() == 0);
      for (int i = 0; i < 3; i++) {
        small.enqueue(q, bytes("fits again " + i));
      }
    }
  }

  @Test
  void deadLettersAreStampedWithTheInjectedClockAndBounded() {
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    var scheduler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try (InProcessWorkQueue wq = new InProcessWorkQueue(100, 2, POLICY, clock, scheduler)) {
      String q = queue("stamped");
      wq.consume(q, 1, job -> Outcome.fail("no"));
      for (int i = 0; i < 5; i++) {
        wq.enqueue(q, bytes("d" + i));
      }
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> wq.size() == 0);
      assertThat(wq.deadLetters(q, 10)).hasSize(2)
          .allSatisfy(d -> assertThat(d.at()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z")));
      assertThat(wq.deadLetters(q, 10)).extracting(d -> text(d.payload())).containsExactly("d3", "d4");
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void badConstructionIsRefused() {
    assertThatThrownBy(() -> new InProcessWorkQueue(0, POLICY, Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDeliveries");
  }
}
