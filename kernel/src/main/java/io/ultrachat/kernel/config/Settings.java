package io.ultrachat.kernel.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Resolved configuration. Later layers win: defaults, then a YAML file, then environment
 * variables ({@code ULTRACHAT_*}), then explicit overrides (command-line flags or code).
 * Every key must be known to a {@link SettingsCatalog}; an unknown key in a file or an
 * override is a start-up error naming the key, and a value that does not parse is a
 * start-up error naming key and value. Immutable and thread-safe.
 */
public final class Settings {
  private final Map<String, Setting<?>> known;
  private final Map<String, String> raw;
  private final Map<String, String> origin;

  private Settings(Map<String, Setting<?>> known, Map<String, String> raw, Map<String, String> origin) {
    this.known = known;
    this.raw = raw;
    this.origin = origin;
  }

  public static Builder builder(Collection<Setting<?>> catalog) {
    return new Builder(catalog);
  }

  /** The parsed value of a setting. */
  public <T> T get(Setting<T> setting) {
    String value = raw.get(setting.key());
    if (value == null) {
      throw new IllegalArgumentException("unknown setting '" + setting.key() + "'");
    }
    try {
      return setting.parser().apply(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingException(setting.key() + " (from " + origin.get(setting.key()) + "): " + e.getMessage());
    }
  }

  /** Checks that every value parses, so a bad setting fails at start, not at first use. */
  public Settings validate() {
    for (Setting<?> s : known.values()) {
      get(s);
    }
    return this;
  }

  /** A copy with more overrides applied on top. */
  public Settings with(Map<String, String> overrides) {
    Builder b = new Builder(known.values());
    b.raw.putAll(raw);
    b.origin.putAll(origin);
    b.overrides(overrides, "override");
    return b.build();
  }

  public Map<String, String> asMap() {
    return new TreeMap<>(raw);
  }

  /** A value that does not parse, or a key nobody knows. */
  public static final class InvalidSettingException extends IllegalArgumentException {
    public InvalidSettingException(String message) {
      super("invalid setting " + message);
    }
  }

  public static final class Builder {
    private final Map<String, Setting<?>> known = new LinkedHashMap<>();
    private final Map<String, String> raw = new LinkedHashMap<>();
    private final Map<String, String> origin = new LinkedHashMap<>();

    private Builder(Collection<Setting<?>> catalog) {
      for (Setting<?> s : catalog) {
        Setting<?> previous = known.putIfAbsent(s.key(), s);
        if (previous != null && previous != s && !previous.defaultValue().equals(s.defaultValue())) {
          throw new IllegalStateException("setting " + s.key() + " is declared twice with different defaults");
        }
        raw.put(s.key(), s.defaultValue());
        origin.put(s.key(), "default");
      }
    }

    /** Reads a YAML file; nested maps flatten to dotted keys ({@code http: {port: 1}} → {@code http.port}). */
    public Builder file(Path path) {
      try (InputStream in = Files.newInputStream(path)) {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
        Map<String, String> flat = new LinkedHashMap<>();
        if (root != null && !root.isNull() && !root.isMissingNode()) {
          if (!root.isObject()) {
            throw new InvalidSettingException("file " + path + ": expected a mapping of settings at the top level");
          }
          flatten("", root, flat, path);
        }
        return overrides(flat, "file " + path);
      } catch (IOException e) {
        throw new InvalidSettingException("file " + path + ": cannot be read: " + e.getMessage());
      }
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path path) {
      node.fields().forEachRemaining(entry -> {
        String key = prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey();
        JsonNode value = entry.getValue();
        if (value.isObject()) {
          flatten(key, value, out, path);
        } else if (value.isValueNode()) {
          out.put(key, value.isNull() ? "" : value.asText());
        } else {
          throw new InvalidSettingException(key + " (from file " + path + "): lists are not supported; write a comma-separated value");
        }
      });
    }

    /** Applies {@code ULTRACHAT_*} environment variables that match a known key. */
    public Builder environment(Map<String, String> env) {
      Map<String, String> found = new LinkedHashMap<>();
      for (Setting<?> s : known.values()) {
        String value = env.get(s.environmentVariable());
        if (value != null) {
          found.put(s.key(), value);
        }
      }
      return overrides(found, "environment");
    }

    public Builder overrides(Map<String, String> values, String source) {
      for (Map.Entry<String, String> e : values.entrySet()) {
        if (!known.containsKey(e.getKey())) {
          throw new InvalidSettingException(e.getKey() + " (from " + source + "): no such setting; see docs/configuration.md");
        }
        raw.put(e.getKey(), e.getValue());
        origin.put(e.getKey(), source);
      }
      return this;
    }

    public Settings build() {
      return new Settings(Map.copyOf(known), Map.copyOf(raw), Map.copyOf(origin));
    }
  }
}
