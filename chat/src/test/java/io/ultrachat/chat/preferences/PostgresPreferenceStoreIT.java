package io.ultrachat.chat.preferences;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class PostgresPreferenceStoreIT extends PreferenceStoreContract {
  PostgresPreferenceStoreIT() {
    super(Backend.POSTGRESQL, false);
  }
}
