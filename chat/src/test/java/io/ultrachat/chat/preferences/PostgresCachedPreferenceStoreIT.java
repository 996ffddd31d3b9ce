package io.ultrachat.chat.preferences;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class PostgresCachedPreferenceStoreIT extends PreferenceStoreContract {
  PostgresCachedPreferenceStoreIT() {
    super(Backend.POSTGRESQL, true);
  }
}
