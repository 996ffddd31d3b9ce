package io.ultrachat.kernel.http;

import io.ultrachat.kernel.config.Setting;
import io.ultrachat.kernel.config.SettingsCatalog;
import java.time.Duration;
import java.util.List;

/** Settings that every node of a split deployment shares: how services prove themselves to each other. */
public final class ClusterSettings implements SettingsCatalog {
  public static final Setting<String> SERVICE_SECRET = Setting.text("cluster.service-secret", "",
      "Shared secret (at least 32 bytes, e.g. `openssl rand -base64 48`) with which services of one cluster sign their calls"
          + " to each other's internal routes. Required when a process runs only some services; never logged.");
  public static final Setting<Duration> SERVICE_CREDENTIAL_TOLERANCE = Setting.duration("cluster.service-credential-tolerance", "60s",
      "How far the timestamp of a service credential may be from this node's clock, either way, before it is refused.");

  @Override
  public List<Setting<?>> settings() {
    return List.of(SERVICE_SECRET, SERVICE_CREDENTIAL_TOLERANCE);
  }
}
