package io.ultrachat.chat.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ultrachat.chat.message.GroupCommit.Outcome;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

  /** Runs {@code n} submits on virtual threads and waits for all of them. */
  private static List<Object> submitConcurrently(GroupCommit<Integer, Integer> group, int n) throws InterruptedException {
    List<Object> results = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(n);
    for (int i = 0; i < n; i++) {
      int item = i;
      Thread.ofVirtual().start(() -> {
        try {
          results.add(group.submit(item));
        } catch (RuntimeException e) {
          results.add(e);
        } finally {
          done.countDown();
        }
      });
    }
    assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
    return results;
  }

  @Test
  void aLoneItemIsCommittedAtOnceInABatchOfOne() {
    List<List<Integer>> seen = Collections.synchronizedList(new ArrayList<>());
    GroupCommit<Integer, Integer> group = new GroupCommit<>("test", 10, batch -> {
      seen.add(batch);
      return batch.stream().map(i -> Outcome.of(i * 2)).toList();
    });

    assertThat(group.submit(21)).isEqualTo(42);
    assertThat(group.submit(5)).isEqualTo(10);
    assertThat(seen).containsExactly(List.of(21), List.of(5));
  }

  @Test
  void itemsArrivingDuringACommitFormTheNextBatchUpToTheLimit() throws InterruptedException {
    List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    GroupCommit<Integer, Integer> group = new GroupCommit<>("test", 8, batch -> {
      maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
      sizes.add(batch.size());
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      concurrent.decrementAndGet();
      return batch.stream().map(Outcome::of).toList();
    });

    List<Object> results = submitConcurrently(group, 200);

    assertThat(results).hasSize(200).allMatch(r -> r instanceof Integer);
    assertThat(results.stream().map(Integer.class::cast).sorted().toList()).isEqualTo(IntStream.range(0, 200).boxed().toList());
    assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(200);
    assertThat(sizes).allMatch(s -> s >= 1 && s <= 8);
    assertThat(sizes.size()).as("batches for 200 items").isLessThan(100);
    assertThat(maxConcurrent.get()).as("one committer at a time").isEqualTo(1);
  }

  @Test
  void oneItemsFailureReachesOnlyItsCaller() throws InterruptedException {
    GroupCommit<Integer, Integer> group = new GroupCommit<>("test", 50, batch -> batch.stream()
        .map(i -> i % 3 == 0 ? Outcome.<Integer>failed(new IllegalArgumentException("bad " + i)) : Outcome.of(i)).toList());

    List<Object> results = submitConcurrently(group, 60);

    assertThat(results).filteredOn(r -> r instanceof IllegalArgumentException).hasSize(20);
    assertThat(results).filteredOn(r -> r instanceof Integer).hasSize(40).allMatch(r -> (Integer) r % 3 != 0);
    assertThatThrownBy(() -> group.submit(9)).isInstanceOf(IllegalArgumentException.class).hasMessage("bad 9");
    assertThat(group.submit(10)).isEqualTo(10);
  }

  @Test
  void aFailingBatchFailsItsItemsAndTheNextBatchRunsNormally() {
    AtomicInteger calls = new AtomicInteger();
    GroupCommit<Integer, Integer> group = new GroupCommit<>("test", 10, batch -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("database down");
      }
      return batch.stream().map(Outcome::of).toList();
    });

    assertThatThrownBy(() -> group.submit(1)).isInstanceOf(IllegalStateException.class).hasMessage("database down");
    assertThat(group.submit(2)).isEqualTo(2);
  }
}
