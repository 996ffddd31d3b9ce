package io.ultrachat.gateway.proxy;

import java.util.List;
import java.util.Objects;

/**
 * One row of the route table: requests whose path is {@code prefix} or lies under it go to
 * {@code service}. Matching is by whole path segments ({@code /a/b} does not match {@code /a/bc}),
 * and a segment that is exactly {@code *} matches any one segment, for the few routes that sit
 * under another service's resource ({@code /api/v1/workspaces/*}{@code /presence}).
 *
 * @param prefix an absolute path without a trailing slash, e.g. {@code /api/v1/auth}; {@code /} matches everything
 * @param service the service name as the registry knows it
 */
public record ProxyRoute(String prefix, String service) {
  public ProxyRoute {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(service, "service");
    if (!prefix.startsWith("/") || (prefix.length() > 1 && prefix.endsWith("/")) || prefix.contains("//")
        || prefix.contains("?") || prefix.contains("#")
        || java.util.Arrays.stream(prefix.split("/")).anyMatch(s -> s.contains("*") && !s.equals("*"))) {
      throw new IllegalArgumentException("route prefix must be an absolute path without a trailing '/', '?', '#' or '//', "
          + "with '*' only as a whole segment, but was '" + prefix + "'");
    }
    if (!service.matches("[a-z][a-z0-9-]{0,62}")) {
      throw new IllegalArgumentException("route service must be a lowercase service name but was '" + service + "'");
    }
  }

  List<String> segments() {
    return prefix.equals("/") ? List.of() : List.of(prefix.substring(1).split("/"));
  }

  /** Whether {@code path} is the prefix itself or lies below it. */
  boolean matches(String path) {
    List<String> want = segments();
    int at = 1;
    for (String segment : want) {
      if (at > path.length()) {
        return false;
      }
      int end = path.indexOf('/', at);
      if (end < 0) {
        end = path.length();
      }
      String actual = path.substring(at, end);
      if (segment.equals("*") ? actual.isEmpty() : !segment.equals(actual)) {
        return false;
      }
      at = end + 1;
    }
    return true;
  }
}
