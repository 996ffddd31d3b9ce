package io.ultrachat.store.jdbc;

import java.time.Duration;

/**
 * A streaming read replica of a PostgreSQL database, for {@link Database#open(String, String,
 * DatabaseUrl, int, Duration, ReplicaOptions, java.time.Clock)}.
 *
 * @param url the replica (a hot standby of the primary, same database and credentials rules)
 * @param settingName the configuration key the URL came from, for error messages
 * @param maxLag replica-eligible reads go to the primary while the replica lags more than this
 */
public record ReplicaOptions(DatabaseUrl url, String settingName, Duration maxLag) {
  public ReplicaOptions {
    if (url.dialect() != Dialect.POSTGRESQL) {
      throw new IllegalArgumentException("invalid setting " + settingName + ": a read replica must be PostgreSQL (got " + url + ")");
    }
    if (maxLag.isNegative() || maxLag.isZero()) {
      throw new IllegalArgumentException("the replica's maximum lag must be positive, was " + maxLag);
    }
  }
}
