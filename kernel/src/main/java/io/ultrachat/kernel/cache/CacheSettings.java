package io.ultrachat.kernel.cache;

import io.ultrachat.kernel.config.Setting;
import io.ultrachat.kernel.config.Settings;
import io.ultrachat.kernel.config.SettingsCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Cache policies as settings, with the seed's {@code CacheConfig} as defaults: globally TTL
 * 3600 s and at most 1,000,000 items; {@code user-preferences} 86400 s, 100,000 items,
 * invalidation {@code both}; {@code chat-messages} 300 s, 500,000 items, invalidation
 * {@code time}. Resources without settings of their own use the global ones.
 */
public final class CacheSettings implements SettingsCatalog {
  public static final String DEFAULT = "default";
  public static final String USER_PREFERENCES = "user-preferences";
  public static final String CHAT_MESSAGES = "chat-messages";
  public static final String MEMBERSHIPS = "memberships";

  private record Resource(String name, String ttl, long maxItems, String invalidation) {}

  private static final List<Resource> RESOURCES = List.of(
      new Resource(DEFAULT, "3600s", 1_000_000, "both"),
      new Resource(USER_PREFERENCES, "86400s", 100_000, "both"),
      new Resource(CHAT_MESSAGES, "300s", 500_000, "time"),
      new Resource(MEMBERSHIPS, "3600s", 1_000_000, "both"));

  @Override
  public List<Setting<?>> settings() {
    List<Setting<?>> out = new ArrayList<>();
    for (Resource r : RESOURCES) {
      out.add(ttl(r.name(), r.ttl()));
      out.add(maxItems(r.name(), r.maxItems()));
      out.add(invalidation(r.name(), r.invalidation()));
    }
    return out;
  }

  private static Setting<Duration> ttl(String resource, String dflt) {
    return Setting.duration("cache." + resource + ".ttl", dflt, "Time to live of `" + resource + "` cache entries.");
  }

  private static Setting<Integer> maxItems(String resource, long dflt) {
    return Setting.integer("cache." + resource + ".max-items", (int) dflt, 1, Integer.MAX_VALUE,
        "Most `" + resource + "` entries kept per node.");
  }

  private static Setting<CachePolicy.Invalidation> invalidation(String resource, String dflt) {
    return new Setting<>("cache." + resource + ".invalidation", dflt,
        "Which limits apply to `" + resource + "`: `time`, `size` or `both`.", CachePolicy.Invalidation::parse);
  }

  /** The policy of a resource: its own settings if it has them, else the global ones. */
  public static CachePolicy policy(Settings settings, String resource) {
    String r = RESOURCES.stream().anyMatch(x -> x.name().equals(resource)) ? resource : DEFAULT;
    Resource dflt = RESOURCES.stream().filter(x -> x.name().equals(r)).findFirst().orElseThrow();
    return new CachePolicy(resource, settings.get(ttl(r, dflt.ttl())), settings.get(maxItems(r, dflt.maxItems())),
        settings.get(invalidation(r, dflt.invalidation())));
  }

  /** The global item limit, which bounds {@code time}-only caches too. */
  public static long globalMaxItems(Settings settings) {
    return settings.get(maxItems(DEFAULT, 1_000_000));
  }
}
