package io.ultrachat.chat.message;

import io.ultrachat.store.jdbc.Database;
import io.ultrachat.testkit.store.StoreFixture.Backend;

/** The message store contract over the cache decorator stack, on Postgres. */
class PostgresCachedMessageStoreIT extends MessageStoreContract {
  PostgresCachedMessageStoreIT() {
    super(Backend.POSTGRESQL);
  }

  @Override
  protected MessageStore newStore(Database db, MessagePartitions partitions) {
    return CachedStores.cachedMessageStore(db, partitions);
  }
}
