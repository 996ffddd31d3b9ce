package io.ultrachat.store.jdbc;

import io.ultrachat.kernel.kv.KeyValue;
import java.time.Duration;
import java.util.Optional;

/**
 * A streaming read replica of a PostgreSQL database, for {@link Database#open(String, String,
 * DatabaseUrl, int, Duration, ReplicaOptions, java.time.Clock)}.
 *
 * @param url the replica (a hot standby of the primary, same database and credentials rules)
 * @param settingName the configuration key the URL came from, for error messages
 * @param maxLag replica-eligible reads go to the primary while the replica lags more than this
 * @param sharedPositions where the nodes of a cluster share their writers' positions, so
 *     read-your-writes holds across nodes ({@link SharedWriterPositions}); empty: this node only
 */
public record ReplicaOptions(DatabaseUrl url, String settingName, Duration maxLag, Optional<KeyValue> sharedPositions) {
  /** Writer positions kept by this node alone (one node, or tests). */
  public ReplicaOptions(DatabaseUrl url, String settingName, Duration maxLag) {
    this(url, settingName, maxLag, Optional.empty());
  }

  /** These options with writer positions shared through {@code keyValue}. */
  public ReplicaOptions sharingPositionsThrough(KeyValue keyValue) {
    return new ReplicaOptions(url, settingName, maxLag, Optional.of(keyValue));
  }

  public ReplicaOptions {
    if (url.dialect() != Dialect.POSTGRESQL) {
      throw new IllegalArgumentException("invalid setting " + settingName + ": a read replica must be PostgreSQL (got " + url + ")");
    }
    if (maxLag.isNegative() || maxLag.isZero()) {
      throw new IllegalArgumentException("the replica's maximum lag must be positive, was " + maxLag);
    }
  }
}
