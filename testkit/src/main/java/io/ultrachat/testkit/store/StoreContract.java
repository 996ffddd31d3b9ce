package io.ultrachat.testkit.store;

import io.ultrachat.testkit.store.StoreFixture.Backend;
import io.ultrachat.store.jdbc.Database;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the store contract suites: gives each test a fresh, migrated database of the
 * backend a subclass names, and closes (and drops) it afterwards.
 */
public abstract class StoreContract {
  /** Every store test measures time from here. */
  public static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");

  private final Backend backend;
  private final String service;

  @TempDir
  protected Path tempDir;

  private StoreFixture fixture;

  /** @param service whose tables the tests need, e.g. {@code chat} */
  protected StoreContract(Backend backend, String service) {
    this.backend = backend;
    this.service = service;
  }

  @BeforeEach
  protected final void openStoreFixture() {
    fixture = StoreFixture.open(backend, tempDir, service);
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

  /** Runs a query whose first column of its only row is a number, e.g. a COUNT(*). */
  protected final long scalar(String query, Object... params) {
    return db().read(sql -> sql.queryOne(query, rs -> rs.getLong(1), params))
        .orElseThrow(() -> new AssertionError("no row from: " + query));
  }
}
