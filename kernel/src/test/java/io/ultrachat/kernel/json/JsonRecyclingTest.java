package io.ultrachat.kernel.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Request handlers run on virtual threads: the mapper's buffers must be reused across them. */
class JsonRecyclingTest {
  private final RecyclerPool<BufferRecycler> pool = Json.mapper().getFactory()._getRecyclerPool();

  @Test
  void aBufferReleasedOnOneVirtualThreadIsReusedOnTheNext() throws Exception {
    BufferRecycler first = onVirtualThread(() -> {
      BufferRecycler r = pool.acquireAndLinkPooled();
      r.releaseToPool();
      return r;
    });
    BufferRecycler second = onVirtualThread(() -> {
      BufferRecycler r = pool.acquireAndLinkPooled();
      r.releaseToPool();
      return r;
    });

    assertThat(second).isSameAs(first);
  }

  @Test
  void concurrentReadsAndWritesNeverShareABuffer() throws Exception {
    // Many virtual threads at once, more than the pool keeps: a buffer handed to two of them, or
    // returned while still in use, would mix their bodies.
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Boolean>> roundTrips = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String body = Integer.toString(i).repeat(5_000 + i);
        roundTrips.add(threads.submit(() -> {
          String written = Json.mapper().writeValueAsString(Map.of("body", body));
          return Json.mapper().readTree(written).path("body").asText().equals(body);
        }));
      }
      for (Future<Boolean> roundTrip : roundTrips) {
        assertThat(roundTrip.get()).isTrue();
      }
    }
  }

  private interface Work<T> {
    T run() throws Exception;
  }

  private static <T> T onVirtualThread(Work<T> work) throws Exception {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Exception> failure = new AtomicReference<>();
    Thread.ofVirtual().start(() -> {
      try {
        result.set(work.run());
      } catch (Exception e) {
        failure.set(e);
      }
    }).join();
    if (failure.get() != null) {
      throw failure.get();
    }
    return result.get();
  }
}
