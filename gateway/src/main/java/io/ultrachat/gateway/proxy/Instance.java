package io.ultrachat.gateway.proxy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * One running instance of a service as the gateway reaches it: an id unique within the service
 * and a base URL ({@code http://host:port}, no path, query or user info). Immutable; safe on any
 * thread.
 *
 * @param id the instance id, 1 to 200 characters of {@code [A-Za-z0-9._:-]}
 * @param baseUrl {@code http} or {@code https} scheme, a host and optionally a port
 */
public record Instance(String id, String baseUrl) {
  private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,200}");

  public Instance {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(baseUrl, "baseUrl");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("instance id must be 1 to 200 characters of letters, digits, '.', '_', ':' or '-' but was '"
          + id + "'");
    }
    baseUrl = normalize(baseUrl);
  }

  /** An instance whose id is its {@code host:port}, as static configuration names them. */
  public static Instance of(String baseUrl) {
    String normalized = normalize(baseUrl);
    URI uri = URI.create(normalized);
    return new Instance(uri.getHost() + ":" + port(uri), normalized);
  }

  public String host() {
    String host = URI.create(baseUrl).getHost();
    // An IPv6 literal comes back in brackets; sockets want it bare.
    return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
  }

  public int port() {
    return port(URI.create(baseUrl));
  }

  public boolean ssl() {
    return baseUrl.startsWith("https:");
  }

  private static int port(URI uri) {
    return uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
  }

  /**
   * Checks a base URL and returns it without a trailing slash.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  static String normalize(String raw) {
    String s = raw.strip();
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + raw + "' is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("'" + raw + "' must start with http:// or https://");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("'" + raw + "' has no host");
    }
    if (uri.getUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null
        || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
      throw new IllegalArgumentException("'" + raw + "' must be scheme://host[:port] only, without path, query or user info");
    }
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
  }
}
