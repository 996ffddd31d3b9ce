package io.ultrachat.cache.caffeine;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ultrachat.kernel.cache.Cache;
import io.ultrachat.kernel.cache.CacheFactory;
import io.ultrachat.kernel.cache.CachePolicy;
import io.ultrachat.testkit.CacheContract;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CaffeineCacheTest extends CacheContract {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Override
  protected CacheFactory factory() {
    return new CaffeineCacheFactory(registry, clock, 1_000_000);
  }

  @Test
  void hitsAndMissesAreCountedPerResource() {
    Cache<String, String> c = factory().create(new CachePolicy("chat-messages", Duration.ofMinutes(5), 100, CachePolicy.Invalidation.TIME));
    c.get("a", k -> Optional.of("1"));
    c.get("a", k -> Optional.of("1"));
    c.get("a", k -> Optional.of("1"));
    assertThat(registry.get("cache.gets").tag("cache", "chat-messages").tag("result", "hit").functionCounter().count()).isEqualTo(2);
    assertThat(registry.get("cache.gets").tag("cache", "chat-messages").tag("result", "miss").functionCounter().count()).isEqualTo(1);
  }
}
