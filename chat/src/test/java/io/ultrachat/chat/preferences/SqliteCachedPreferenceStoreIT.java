package io.ultrachat.chat.preferences;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class SqliteCachedPreferenceStoreIT extends PreferenceStoreContract {
  SqliteCachedPreferenceStoreIT() {
    super(Backend.SQLITE, true);
  }
}
