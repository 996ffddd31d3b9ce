package io.ultrachat.chat.preferences;

import io.ultrachat.testkit.store.StoreFixture.Backend;

class SqlitePreferenceStoreIT extends PreferenceStoreContract {
  SqlitePreferenceStoreIT() {
    super(Backend.SQLITE, false);
  }
}
