package io.ultrachat.auth;

import io.ultrachat.auth.StoreFixture.Backend;
import io.ultrachat.store.jdbc.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the store contract suites: gives each test a fresh, migrated database of the
 * backend a subclass names, and closes (and drops) it afterwards.
 */
public abstract class StoreContract {
  private final Backend backend;

  @TempDir
  protected Path tempDir;

  private StoreFixture fixture;

  protected StoreContract(Backend backend) {
    this.backend = backend;
  }

  @BeforeEach
  protected final void openStoreFixture() {
    fixture = StoreFixture.open(backend, tempDir);
  }

  @AfterEach
  protected final void closeStoreFixture() {
    if (fixture != null) {
      fixture.close();
      fixture = null;
    }
  }

  protected final Backend backend() {
    return backend;
  }

  protected final Database db() {
    return fixture.db();
  }
}
