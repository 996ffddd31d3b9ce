package io.ultrachat.gateway.proxy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A fixed registry from configuration ({@value #SETTING}). Immutable and thread-safe; lookups
 * never block.
 *
 * <p>Format: entries separated by {@code ;}, each {@code service=url[,url…]}; whitespace around
 * names and URLs is ignored and a trailing {@code ;} is allowed, e.g.
 * {@code auth=http://10.0.0.5:8081; chat=http://10.0.0.6:8082,http://10.0.0.7:8082}. A URL is
 * {@code http(s)://host[:port]} without a path; an instance's id is its {@code host:port}.
 */
public final class StaticRegistry implements ServiceRegistry {
  static final String SETTING = "gateway.upstreams";
  private static final Pattern SERVICE = Pattern.compile("[a-z][a-z0-9-]{0,62}");

  private final Map<String, List<Instance>> instances;

  public StaticRegistry(Map<String, List<Instance>> instances) {
    Map<String, List<Instance>> copy = new LinkedHashMap<>();
    instances.forEach((service, list) -> copy.put(service, List.copyOf(list)));
    this.instances = java.util.Collections.unmodifiableMap(copy);
  }

  /**
   * Parses the {@value #SETTING} format.
   *
   * @throws IllegalArgumentException whose message names the setting, the entry and what is wrong
   */
  public static StaticRegistry parse(String text) {
    Map<String, List<Instance>> services = new LinkedHashMap<>();
    Map<String, Integer> entryOf = new LinkedHashMap<>();
    String[] entries = text.split(";", -1);
    for (int i = 0; i < entries.length; i++) {
      String entry = entries[i].strip();
      int n = i + 1;
      if (entry.isEmpty()) {
        if (i == entries.length - 1 && i > 0) {
          continue; // a trailing ';'
        }
        throw invalid("entry " + n + " is empty");
      }
      int eq = entry.indexOf('=');
      if (eq < 0) {
        throw invalid("entry " + n + " '" + entry + "' has no '='");
      }
      String service = entry.substring(0, eq).strip();
      if (!SERVICE.matcher(service).matches()) {
        throw invalid("entry " + n + ": service name '" + service
            + "' must be 1 to 63 lowercase letters, digits or '-', starting with a letter");
      }
      if (entryOf.containsKey(service)) {
        throw invalid("service '" + service + "' appears in entries " + entryOf.get(service) + " and " + n
            + "; list all its URLs in one entry, separated by commas");
      }
      entryOf.put(service, n);
      String[] urls = entry.substring(eq + 1).split(",", -1);
      Set<String> seen = new LinkedHashSet<>();
      List<Instance> list = new ArrayList<>();
      for (int u = 0; u < urls.length; u++) {
        String url = urls[u].strip();
        if (url.isEmpty()) {
          throw invalid("service '" + service + "': URL " + (u + 1) + " is empty");
        }
        Instance instance;
        try {
          instance = Instance.of(url);
        } catch (IllegalArgumentException e) {
          throw invalid("service '" + service + "': URL " + (u + 1) + " " + e.getMessage());
        }
        if (!seen.add(instance.id())) {
          throw invalid("service '" + service + "' lists " + instance.id() + " twice");
        }
        list.add(instance);
      }
      services.put(service, list);
    }
    if (services.isEmpty()) {
      throw invalid("no service is configured");
    }
    return new StaticRegistry(services);
  }

  private static IllegalArgumentException invalid(String what) {
    return new IllegalArgumentException(SETTING + ": " + what
        + " (expected service=http://host:port[,http://host:port…][;service=…])");
  }

  @Override
  public List<Instance> instances(String service) {
    return instances.getOrDefault(service, List.of());
  }

  /** The configured services, for checking the route table against them. */
  public Set<String> services() {
    return instances.keySet();
  }
}
