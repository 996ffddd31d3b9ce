package io.ultrachat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ultrachat.kernel.queue.DeadLetter;
import io.ultrachat.kernel.queue.Job;
import io.ultrachat.kernel.queue.JobHandler;
import io.ultrachat.kernel.queue.Outcome;
import io.ultrachat.kernel.queue.RetryPolicy;
import io.ultrachat.kernel.queue.WorkQueue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link WorkQueue}, for every implementation: subclass it and return a fresh
 * work queue with the given policy from {@link #newWorkQueue}. Queue names are unique per test
 * ({@link #queue}), so a shared broker is fine; {@link #cleanUp} lets a subclass delete what a
 * test left on it.
 */
public abstract class WorkQueueContract {
  protected static final Duration WAIT = Duration.ofSeconds(20);
  /** Three attempts with short backoffs, so retry and dead-letter tests take well under a second. */
  protected static final RetryPolicy POLICY = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofMillis(400));

  private final String prefix = "wq" + Long.toHexString(System.nanoTime());
  private final List<String> queues = new CopyOnWriteArrayList<>();
  private final List<WorkQueue> opened = new CopyOnWriteArrayList<>();

  /** A new work queue on the backend under test, retrying by {@code policy}. */
  protected abstract WorkQueue newWorkQueue(RetryPolicy policy);

  /** Deletes what the named queues left on a shared backend; called after each test. */
  protected void cleanUp(List<String> queueNames) {}

  /** Opens a work queue that is closed after the test. */
  protected WorkQueue open() {
    WorkQueue q = newWorkQueue(POLICY);
    opened.add(q);
    return q;
  }

  /** A queue name unique to this test. */
  protected String queue(String name) {
    String q = prefix + "-" + name;
    queues.add(q);
    return q;
  }

  @AfterEach
  void closeQueues() {
    opened.forEach(WorkQueue::close);
    cleanUp(List.copyOf(queues));
  }

  protected static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  protected static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void anAcknowledgedJobIsHandedOutOnceOnAWorkerThread() throws Exception {
    WorkQueue wq = open();
    String q = queue("once");
    for (int i = 0; i < 20; i++) {
      wq.enqueue(q, bytes("job-" + i));
    }
    Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    Set<String> ids = ConcurrentHashMap.newKeySet();
    wq.consume(q, 4, job -> {
      seen.computeIfAbsent(text(job.payload()), k -> new AtomicInteger()).incrementAndGet();
      threads.add(Thread.currentThread());
      ids.add(job.id());
      assertThat(job.queue()).isEqualTo(q);
      assertThat(job.attempt()).isEqualTo(1);
      return Outcome.done();
    });
    await().atMost(WAIT).until(() -> seen.size() == 20);
    Thread.sleep(500);
    assertThat(seen.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    assertThat(ids).hasSize(20);
    assertThat(threads).doesNotContain(Thread.currentThread());
    assertThat(wq.deadLetters(q, 10)).isEmpty();
  }

  @Test
  void aJobEnqueuedWhileAWorkerWaitsIsHandedOut() {
    WorkQueue wq = open();
    String q = queue("live");
    List<String> got = new CopyOnWriteArrayList<>();
    wq.consume(q, 1, job -> {
      got.add(text(job.payload()));
      return Outcome.done();
    });
    wq.enqueue(q, bytes("late"));
    await().atMost(WAIT).until(() -> got.contains("late"));
  }

  @Test
  void aRetriedJobIsHandedOutAgainAfterTheDelay() {
    WorkQueue wq = open();
    String q = queue("retry");
    List<Job> attempts = new CopyOnWriteArrayList<>();
    List<Long> at = new CopyOnWriteArrayList<>();
    wq.enqueue(q, bytes("r"));
    wq.consume(q, 1, job -> {
      attempts.add(job);
      at.add(System.nanoTime());
      return job.attempt() == 1 ? Outcome.retryAfter(Duration.ofMillis(400), "receiver said 503") : Outcome.done();
    });
    await().atMost(WAIT).until(() -> attempts.size() >= 2);
    assertThat(attempts).extracting(Job::attempt).startsWith(1, 2);
    assertThat(attempts.get(1).id()).isEqualTo(attempts.get(0).id());
    assertThat(text(attempts.get(1).payload())).isEqualTo("r");
    assertThat(Duration.ofNanos(at.get(1) - at.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(350));
    await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> attempts.size() == 2);
    assertThat(wq.deadLetters(q, 10)).isEmpty();
  }

  @Test
  void aHandlerThatThrowsIsRetriedWithBackoff() {
    WorkQueue wq = open();
    String q = queue("throws");
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    wq.enqueue(q, bytes("t"));
    wq.consume(q, 1, job -> {
      attempts.add(job.attempt());
      if (job.attempt() == 1) {
        throw new IllegalStateException("connection refused");
      }
      return Outcome.done();
    });
    await().atMost(WAIT).until(() -> attempts.size() >= 2);
    await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> attempts.size() == 2);
    assertThat(attempts).containsExactly(1, 2);
  }

  @Test
  void aJobIsDeadLetteredAfterMaxDeliveries() {
    WorkQueue wq = open();
    String q = queue("dead");
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    wq.enqueue(q, bytes("doomed"));
    wq.enqueue(q, bytes("thrower"));
    wq.consume(q, 2, job -> {
      if (text(job.payload()).equals("thrower")) {
        throw new IllegalStateException("always broken");
      }
      attempts.add(job.attempt());
      return Outcome.retryAfter(Duration.ofMillis(50), "still 503");
    });
    await().atMost(WAIT).until(() -> wq.deadLetters(q, 10).size() == 2);
    await().during(Duration.ofMillis(600)).atMost(WAIT).until(() -> attempts.size() == POLICY.maxDeliveries());
    assertThat(attempts).containsExactly(1, 2, 3);
    List<DeadLetter> dead = new ArrayList<>(wq.deadLetters(q, 10));
    dead.sort((a, b) -> text(a.payload()).compareTo(text(b.payload())));
    assertThat(dead).extracting(d -> text(d.payload())).containsExactly("doomed", "thrower");
    assertThat(dead).allSatisfy(d -> {
      assertThat(d.queue()).isEqualTo(q);
      assertThat(d.attempts()).isEqualTo(3);
      assertThat(d.at()).isNotNull();
    });
    assertThat(dead.get(0).reason()).contains("still 503");
    assertThat(dead.get(1).reason()).contains("always broken");
    assertThat(wq.deadLetters(q, 1)).hasSize(1);
  }

  @Test
  void aFailedJobIsDeadLetteredAtOnce() {
    WorkQueue wq = open();
    String q = queue("fail");
    AtomicInteger attempts = new AtomicInteger();
    wq.enqueue(q, bytes("gone"));
    wq.consume(q, 1, job -> {
      attempts.incrementAndGet();
      return Outcome.fail("receiver answered 410 Gone");
    });
    await().atMost(WAIT).until(() -> wq.deadLetters(q, 10).size() == 1);
    DeadLetter dead = wq.deadLetters(q, 10).getFirst();
    assertThat(dead.attempts()).isEqualTo(1);
    assertThat(dead.reason()).isEqualTo("receiver answered 410 Gone");
    assertThat(text(dead.payload())).isEqualTo("gone");
    await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> attempts.get() == 1);
  }

  @Test
  void aWorkerRunsAtMostItsConcurrency() {
    WorkQueue wq = open();
    String q = queue("bounded");
    for (int i = 0; i < 15; i++) {
      wq.enqueue(q, bytes("c" + i));
    }
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    Set<String> done = ConcurrentHashMap.newKeySet();
    wq.consume(q, 3, job -> {
      int now = running.incrementAndGet();
      most.accumulateAndGet(now, Math::max);
      Thread.sleep(100);
      running.decrementAndGet();
      done.add(text(job.payload()));
      return Outcome.done();
    });
    await().atMost(WAIT).until(() -> done.size() == 15);
    assertThat(most.get()).isBetween(2, 3);
  }

  @Test
  void twoWorkersShareAQueueAndEachJobGoesToOne() {
    WorkQueue wq = open();
    String q = queue("shared");
    Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    JobHandler count = job -> {
      seen.computeIfAbsent(text(job.payload()), k -> new AtomicInteger()).incrementAndGet();
      Thread.sleep(10);
      return Outcome.done();
    };
    wq.consume(q, 2, count);
    wq.consume(q, 2, count);
    for (int i = 0; i < 40; i++) {
      wq.enqueue(q, bytes("s" + i));
    }
    await().atMost(WAIT).until(() -> seen.size() == 40);
    await().during(Duration.ofMillis(300)).atMost(WAIT)
        .until(() -> seen.values().stream().allMatch(n -> n.get() == 1));
  }

  @Test
  void nothingIsLostWhenAWorkerClosesAndAnotherStarts() {
    WorkQueue wq = open();
    String q = queue("handover");
    for (int i = 0; i < 30; i++) {
      wq.enqueue(q, bytes("h" + i));
    }
    Set<String> first = ConcurrentHashMap.newKeySet();
    WorkQueue.Worker a = wq.consume(q, 2, job -> {
      Thread.sleep(20);
      first.add(text(job.payload()));
      return Outcome.done();
    });
    await().atMost(WAIT).until(() -> first.size() >= 5);
    a.close();
    int handledByFirst = first.size();
    assertThat(handledByFirst).isLessThan(30);
    for (int i = 30; i < 40; i++) {
      wq.enqueue(q, bytes("h" + i));
    }
    Set<String> second = ConcurrentHashMap.newKeySet();
    wq.consume(q, 4, job -> {
      second.add(text(job.payload()));
      return Outcome.done();
    });
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      expected.add("h" + i);
    }
    await().atMost(WAIT).until(() -> {
      Set<String> all = new HashSet<>(first);
      all.addAll(second);
      return all.equals(expected);
    });
    // A closed worker takes nothing more.
    assertThat(first).hasSize(handledByFirst);
  }

  @Test
  void badArgumentsAreRefusedNamingTheArgument() {
    WorkQueue wq = open();
    String q = queue("args");
    JobHandler ok = job -> Outcome.done();
    for (String bad : Arrays.asList("", "a.b", "a b", "a*", "x".repeat(65), null)) {
      assertThatThrownBy(() -> wq.enqueue(bad, bytes("x"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queue");
      assertThatThrownBy(() -> wq.consume(bad, 1, ok)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queue");
      assertThatThrownBy(() -> wq.deadLetters(bad, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queue");
    }
    assertThatThrownBy(() -> wq.enqueue(q, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payload");
    assertThatThrownBy(() -> wq.enqueue(q, new byte[WorkQueue.MAX_PAYLOAD_BYTES + 1])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payload");
    assertThatThrownBy(() -> wq.consume(q, 0, ok)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("concurrency");
    assertThatThrownBy(() -> wq.consume(q, 1025, ok)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("concurrency");
    assertThatThrownBy(() -> wq.consume(q, 1, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("handler");
    assertThatThrownBy(() -> wq.deadLetters(q, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
    assertThatThrownBy(() -> Outcome.retryAfter(Duration.ofSeconds(-1), "x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay");
    // The largest allowed payload is accepted.
    wq.enqueue(q, new byte[WorkQueue.MAX_PAYLOAD_BYTES]);
  }

  @Test
  void aClosedWorkQueueRefusesWork() {
    WorkQueue wq = newWorkQueue(POLICY);
    String q = queue("closed");
    wq.close();
    assertThatThrownBy(() -> wq.enqueue(q, bytes("x"))).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> wq.consume(q, 1, job -> Outcome.done())).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }
}
