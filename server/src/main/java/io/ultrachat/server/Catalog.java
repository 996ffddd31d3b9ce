package io.ultrachat.server;

import io.ultrachat.auth.AuthSettings;
import io.ultrachat.auth.remote.RemoteAuthSettings;
import io.ultrachat.kernel.http.ClusterSettings;
import io.ultrachat.chat.ChatSettings;
import io.ultrachat.realtime.RealtimeSettings;
import io.ultrachat.gateway.GatewaySettings;
import io.ultrachat.kernel.cache.CacheSettings;
import io.ultrachat.kernel.config.Setting;
import io.ultrachat.kernel.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every setting the binary knows, and how they are layered: defaults, file, environment, flags. */
public final class Catalog {
  private Catalog() {}

  public static List<Setting<?>> all() {
    List<Setting<?>> all = new ArrayList<>();
    all.addAll(new ServerSettings().settings());
    all.addAll(new BackendSettings().settings());
    all.addAll(new GatewaySettings().settings());
    all.addAll(new io.ultrachat.gateway.proxy.ProxySettings().settings());
    all.addAll(new CacheSettings().settings());
    all.addAll(new AuthSettings().settings());
    all.addAll(new ChatSettings().settings());
    all.addAll(new RealtimeSettings().settings());
    all.addAll(new ClusterSettings().settings());
    all.addAll(new RemoteAuthSettings().settings());
    return all;
  }

  /**
   * Resolves settings for a command.
   *
   * @param configFile an explicit file (must exist); if empty, {@code ULTRACHAT_CONFIG} or
   *     {@code ./ultrachat.yaml} when present
   */
  public static Settings load(Optional<Path> configFile, Map<String, String> env, Map<String, String> flags) {
    Settings.Builder b = Settings.builder(all());
    Optional<Path> file = configFile.or(() -> Optional.ofNullable(env.get("ULTRACHAT_CONFIG")).map(Path::of))
        .or(() -> Optional.of(Path.of("ultrachat.yaml")).filter(Files::isRegularFile));
    file.ifPresent(f -> {
      if (!Files.isRegularFile(f)) {
        throw new Settings.InvalidSettingException("file " + f + ": no such file");
      }
      b.file(f);
    });
    return b.environment(env).overrides(flags, "command line").build().validate();
  }
}
