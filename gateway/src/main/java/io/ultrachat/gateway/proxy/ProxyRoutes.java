package io.ultrachat.gateway.proxy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The gateway's route table: path prefix → service, as data. The most specific matching prefix
 * wins: the one with more segments, and among equally long ones the one with fewer {@code *}
 * segments. Immutable and thread-safe; matching allocates little and never blocks, so it runs on
 * the event loop.
 */
public final class ProxyRoutes {
  private final List<ProxyRoute> routes;

  /**
   * @throws IllegalArgumentException if the same prefix is listed twice
   */
  public ProxyRoutes(List<ProxyRoute> routes) {
    Set<String> prefixes = new LinkedHashSet<>();
    for (ProxyRoute r : routes) {
      if (!prefixes.add(r.prefix())) {
        throw new IllegalArgumentException("route prefix " + r.prefix() + " is listed twice");
      }
    }
    List<ProxyRoute> sorted = new ArrayList<>(routes);
    sorted.sort(Comparator.<ProxyRoute>comparingInt(r -> -r.segments().size())
        .thenComparingLong(r -> r.segments().stream().filter("*"::equals).count()));
    this.routes = List.copyOf(sorted);
  }

  /** UltraChat's services at their public paths; what {@code --services=gateway} routes by default. */
  public static ProxyRoutes defaults() {
    return new ProxyRoutes(List.of(
        new ProxyRoute("/.well-known", "auth"),
        new ProxyRoute("/api/v1/auth", "auth"),
        new ProxyRoute("/api/v1/users", "auth"),
        new ProxyRoute("/api/v1/users/me/preferences", "chat"),
        new ProxyRoute("/api/v1/admin", "auth"),
        new ProxyRoute("/api/v1/bots", "auth"),
        new ProxyRoute("/api/v1/ping", "auth"),
        new ProxyRoute("/api/v1/workspaces", "chat"),
        new ProxyRoute("/api/v1/conversations", "chat"),
        new ProxyRoute("/api/v1/attachments", "chat"),
        new ProxyRoute("/api/v1/invites", "chat"),
        new ProxyRoute("/api/v1/realtime", "realtime"),
        new ProxyRoute("/api/v1/asyncapi.json", "realtime"),
        new ProxyRoute("/api/v1/workspaces/*/presence", "realtime")));
  }

  /** The route for {@code path} (a normalized path without the query), if any. */
  public Optional<ProxyRoute> match(String path) {
    for (ProxyRoute r : routes) {
      if (r.matches(path)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** Every service some route leads to, in table order. */
  public Set<String> services() {
    Set<String> out = new LinkedHashSet<>();
    routes.forEach(r -> out.add(r.service()));
    return out;
  }

  public List<ProxyRoute> routes() {
    return routes;
  }
}
