package io.ultrachat.kernel.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One configuration key: its kebab-case name, default, documentation and parser.
 * Modules declare their settings as constants and list them in a {@link SettingsCatalog};
 * {@code docs/configuration.md} documents every one (a test keeps the two in step).
 *
 * @param key kebab-case dotted name, e.g. {@code auth.access-token-ttl}
 * @param defaultValue the default as it would be written in a file; empty means "unset"
 * @param description one line for the docs
 * @param parser turns the raw text into a value; throws {@link IllegalArgumentException}
 *     with a precise message on bad input
 */
public record Setting<T>(String key, String defaultValue, String description, Function<String, T> parser) {

  public Setting {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(defaultValue, "defaultValue");
    if (!key.matches("[a-z0-9]+(-[a-z0-9]+)*(\\.[a-z0-9]+(-[a-z0-9]+)*)*")) {
      throw new IllegalArgumentException("setting key must be dotted kebab-case but was '" + key + "'");
    }
  }

  public static Setting<String> text(String key, String defaultValue, String description) {
    return new Setting<>(key, defaultValue, description, s -> s);
  }

  public static Setting<Integer> integer(String key, int defaultValue, int min, int max, String description) {
    return new Setting<>(key, Integer.toString(defaultValue), description, raw -> {
      int value;
      try {
        value = Integer.parseInt(raw.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected a whole number but was '" + raw + "'");
      }
      if (value < min || value > max) {
        throw new IllegalArgumentException("must be between " + min + " and " + max + " but was " + value);
      }
      return value;
    });
  }

  public static Setting<Boolean> bool(String key, boolean defaultValue, String description) {
    return new Setting<>(key, Boolean.toString(defaultValue), description, raw -> switch (raw.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new IllegalArgumentException("expected true or false but was '" + raw + "'");
    });
  }

  public static Setting<Duration> duration(String key, String defaultValue, String description) {
    return new Setting<>(key, defaultValue, description, Setting::parseDuration);
  }

  public static Setting<Long> bytes(String key, String defaultValue, String description) {
    return new Setting<>(key, defaultValue, description, Setting::parseBytes);
  }

  /** Accepts {@code 500ms}, {@code 30s}, {@code 15m}, {@code 1h}, {@code 7d} or ISO-8601 {@code PT1H}. */
  public static Duration parseDuration(String raw) {
    String s = raw.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.startsWith("p")) {
        return Duration.parse(s.toUpperCase(Locale.ROOT));
      }
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      }
      long n = Long.parseLong(s.substring(0, s.length() - 1));
      return switch (s.charAt(s.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new IllegalArgumentException();
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("expected a duration such as 30s, 15m, 1h or PT1H but was '" + raw + "'");
    }
  }

  /** Accepts a byte count or one with a unit: {@code 64KiB}, {@code 10MiB}, {@code 1GiB}. */
  public static long parseBytes(String raw) {
    String s = raw.trim();
    long multiplier = 1;
    for (String[] unit : new String[][] {{"KiB", "1024"}, {"MiB", "1048576"}, {"GiB", "1073741824"}, {"B", "1"}}) {
      if (s.endsWith(unit[0])) {
        multiplier = Long.parseLong(unit[1]);
        s = s.substring(0, s.length() - unit[0].length()).trim();
        break;
      }
    }
    try {
      long n = Long.parseLong(s);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return Math.multiplyExact(n, multiplier);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("expected a size such as 65536, 64KiB or 10MiB but was '" + raw + "'");
    }
  }

  /** The environment variable that sets this key: {@code auth.access-token-ttl} → {@code ULTRACHAT_AUTH_ACCESS_TOKEN_TTL}. */
  public String environmentVariable() {
    return "ULTRACHAT_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
