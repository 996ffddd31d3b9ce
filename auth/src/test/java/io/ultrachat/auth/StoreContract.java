package io.ultrachat.auth;

import io.ultrachat.testkit.store.StoreFixture.Backend;

/** The shared store-contract base, on fresh databases migrated with the auth tables. */
public abstract class StoreContract extends io.ultrachat.testkit.store.StoreContract {
  protected StoreContract(Backend backend) {
    super(backend, "auth");
  }
}
