package io.ultrachat.store.jdbc;

/** The SQL dialects UltraChat stores speak. Migrations live per dialect where the SQL differs. */
public enum Dialect {
  SQLITE("sqlite"),
  POSTGRESQL("postgresql");

  private final String folder;

  Dialect(String folder) {
    this.folder = folder;
  }

  /** The migration folder name under {@code db/migration/<service>/}. */
  public String folder() {
    return folder;
  }
}
