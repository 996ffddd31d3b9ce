package io.ultrachat.chat.message;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ultrachat.cache.caffeine.CaffeineCacheFactory;
import io.ultrachat.kernel.cache.CacheFactory;
import io.ultrachat.kernel.cache.CachePolicy;
import io.ultrachat.store.jdbc.Database;
import java.time.Clock;
import java.time.Duration;

/** The message store as the server stacks it: the cache decorator over JDBC, on a real Caffeine cache. */
final class CachedStores {
  private CachedStores() {}

  static CachedMessageStore cachedMessageStore(Database db, MessagePartitions partitions) {
    CacheFactory caches = new CaffeineCacheFactory(new SimpleMeterRegistry(), Clock.systemUTC(), 1_000_000);
    return new CachedMessageStore(new JdbcMessageStore(db, partitions),
        caches.create(new CachePolicy("chat-messages", Duration.ofMinutes(5), 500_000, CachePolicy.Invalidation.TIME)),
        caches.create(new CachePolicy("chat-message-versions", Duration.ofMinutes(5), 500_000, CachePolicy.Invalidation.SIZE)));
  }
}
