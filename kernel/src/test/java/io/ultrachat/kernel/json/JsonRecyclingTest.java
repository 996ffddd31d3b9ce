package io.ultrachat.kernel.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
import java.util.Map;
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
  void readsAndWritesOnVirtualThreadsStillWork() throws Exception {
    String written = onVirtualThread(() -> Json.mapper().writeValueAsString(Map.of("body", "x".repeat(20_000))));
    String read = onVirtualThread(() -> Json.mapper().readTree(written).path("body").asText());

    assertThat(read).hasSize(20_000);
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
