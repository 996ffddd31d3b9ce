package io.ultrachat.gateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which headers cross the proxy. Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection
 * and are dropped both ways, together with any header the {@code Connection} header names;
 * {@code Host} is replaced by the upstream's authority and reported as {@code X-Forwarded-Host}.
 * Pure functions; any thread.
 */
final class ProxyHeaders {
  static final String REQUEST_ID = "X-Request-Id";
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
      "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "http2-settings");

  private ProxyHeaders() {}

  /** The headers to send upstream for {@code req}. */
  static MultiMap toUpstream(HttpServerRequest req, String requestId) {
    MultiMap in = req.headers();
    Set<String> drop = dropped(in);
    drop.add("host");
    // The proxy answers 100-continue itself when it starts forwarding the body.
    drop.add("expect");
    drop.add(REQUEST_ID.toLowerCase(Locale.ROOT));
    drop.add("x-forwarded-proto");
    drop.add("x-forwarded-host");
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    for (var e : in) {
      if (!drop.contains(e.getKey().toLowerCase(Locale.ROOT))) {
        out.add(e.getKey(), e.getValue());
      }
    }
    String client = req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
    String forwardedFor = in.get("X-Forwarded-For");
    out.set("X-Forwarded-For", forwardedFor == null || forwardedFor.isBlank() ? client : forwardedFor + ", " + client);
    out.set("X-Forwarded-Proto", req.isSSL() ? "https" : "http");
    String host = req.authority() != null ? req.authority().toString() : in.get("Host");
    if (host != null) {
      out.set("X-Forwarded-Host", host);
    }
    out.set(REQUEST_ID, requestId);
    return out;
  }

  /** Copies an upstream response's end-to-end headers onto the client's, replacing same-named ones. */
  static void toClient(MultiMap upstream, MultiMap client) {
    Set<String> drop = dropped(upstream);
    Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    names.addAll(upstream.names());
    for (String name : names) {
      if (!drop.contains(name.toLowerCase(Locale.ROOT))) {
        client.set(name, upstream.getAll(name));
      }
    }
  }

  private static Set<String> dropped(MultiMap headers) {
    Set<String> drop = new TreeSet<>(HOP_BY_HOP);
    for (String connection : headers.getAll("Connection")) {
      for (String token : connection.split(",")) {
        String t = token.strip().toLowerCase(Locale.ROOT);
        if (!t.isEmpty()) {
          drop.add(t);
        }
      }
    }
    return drop;
  }
}
