package io.ultrachat.gateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proxies WebSocket upgrades: picks an instance, opens a WebSocket to it, and only then accepts
 * the client's upgrade, so a client never holds a socket that leads nowhere. Then frames flow
 * both ways unchanged (text, binary, continuation; pings are answered on each hop), with
 * backpressure: a side whose peer's write queue is full is paused until it drains.
 *
 * <p><b>Close codes.</b> A close from one side is passed to the other with its code and reason.
 * When the upstream goes away — its connection drops without a close frame, or it closes with
 * 1001 (going away) because it is stopping — the client gets {@value #SERVICE_RESTART} (service
 * restart), which clients treat as "reconnect now": they come back through the gateway and land
 * on another instance, then resume. A client that drops without a close frame is reported
 * upstream as 1001.
 *
 * <p>A connect error ejects the instance and tries another (a handshake is a GET); a handshake
 * the instance refuses is passed back to the client as it was answered. Everything runs on the
 * client connection's event loop; the set of open pairs is concurrent because shutdown walks it
 * from another thread.
 */
final class WebSocketProxy {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketProxy.class);
  /** Close code sent to clients when their upstream went away (RFC 6455 registry: Service Restart). */
  static final short SERVICE_RESTART = 1012;
  private static final short GOING_AWAY = 1001;
  private static final Set<String> HANDSHAKE_HEADERS = Set.of("sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
      "sec-websocket-protocol", "sec-websocket-accept");

  private final WebSocketClient client;
  private final Upstreams upstreams;
  private final ProxyConfig config;
  private final Set<Pair> open = ConcurrentHashMap.newKeySet();

  private record Pair(ServerWebSocket downstream, WebSocket upstream, Member member) {}

  WebSocketProxy(WebSocketClient client, Upstreams upstreams, ProxyConfig config) {
    this.client = client;
    this.upstreams = upstreams;
    this.config = config;
    upstreams.metrics().openWebSocketsGauge(open::size);
  }

  void proxy(HttpServerRequest req, String service, String requestId) {
    req.pause();
    connect(req, service, requestId, new HashSet<>());
  }

  private void connect(HttpServerRequest req, String service, String requestId, Set<Member> tried) {
    Optional<Member> picked = tried.size() >= config.maxAttempts() ? Optional.empty() : upstreams.pick(service, tried);
    if (picked.isEmpty()) {
      if (tried.isEmpty()) {
        upstreams.metrics().unavailable(service);
      }
      ProxyProblems.send(req.response(),
          ProxyProblems.unavailable("no instance of the " + service + " service is available; retry shortly", config.retryAfter()), requestId);
      return;
    }
    Member m = picked.get();
    tried.add(m);
    MultiMap headers = ProxyHeaders.toUpstream(req, requestId);
    HANDSHAKE_HEADERS.forEach(headers::remove);
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost(m.instance.host()).setPort(m.instance.port()).setSsl(m.instance.ssl()).setURI(req.uri())
        .setHeaders(headers).setAllowOriginHeader(false)
        .setConnectTimeout(config.connectTimeout().toMillis())
        .setTimeout(config.upstreamTimeout().toMillis());
    client.connect(options).onComplete(ar -> {
      if (ar.failed()) {
        if (ar.cause() instanceof UpgradeRejectedException rejected) {
          upstreams.metrics().response(m, rejected.getStatus(), 0);
          passRejection(req, rejected);
        } else {
          upstreams.metrics().error(m, "connect");
          upstreams.ejected(m, ar.cause());
          connect(req, service, requestId, tried);
        }
        return;
      }
      WebSocket up = ar.result();
      // Hold the upstream's frames until the client's side exists to take them.
      up.pause();
      req.toWebSocket().onComplete(accepted -> {
        if (accepted.failed()) {
          LOG.debug("request {}: client upgrade failed: {}", requestId, accepted.cause().getMessage());
          up.close(GOING_AWAY, "client went away");
          return;
        }
        upstreams.metrics().response(m, 101, 0);
        join(new Pair(accepted.result(), up, m), requestId);
      });
    });
  }

  private static void passRejection(HttpServerRequest req, UpgradeRejectedException rejected) {
    var res = req.response();
    if (res.ended() || res.closed()) {
      return;
    }
    res.setStatusCode(rejected.getStatus());
    ProxyHeaders.toClient(rejected.getHeaders(), res.headers());
    res.headers().remove("Content-Length");
    res.end(rejected.getBody() == null ? io.vertx.core.buffer.Buffer.buffer() : rejected.getBody());
  }

  private void join(Pair pair, String requestId) {
    ServerWebSocket down = pair.downstream();
    WebSocket up = pair.upstream();
    pair.member().begin();
    open.add(pair);
    relay(down, up);
    relay(up, down);
    down.exceptionHandler(e -> LOG.debug("request {}: client socket error: {}", requestId, e.getMessage()));
    up.exceptionHandler(e -> LOG.debug("request {}: upstream socket error on {}: {}", requestId, pair.member(), e.getMessage()));
    down.closeHandler(v -> {
      ended(pair);
      if (!up.isClosed()) {
        up.close(forwardable(down.closeStatusCode()).orElse(GOING_AWAY), reason(down));
      }
    });
    up.closeHandler(v -> {
      ended(pair);
      if (!down.isClosed()) {
        Short code = up.closeStatusCode();
        boolean wentAway = code == null || code == GOING_AWAY || forwardable(code).isEmpty();
        if (code != null && code == 1005) {
          down.close((short) 1000, "");
        } else if (wentAway) {
          down.close(SERVICE_RESTART, "upstream went away; reconnect");
        } else {
          down.close(code, reason(up));
        }
      }
    });
    up.resume();
  }

  private void ended(Pair pair) {
    if (open.remove(pair)) {
      pair.member().end();
    }
  }

  /** Data frames pass as they are; control frames are per hop (Vert.x answers pings itself). */
  private static void relay(WebSocketBase from, WebSocketBase to) {
    from.frameHandler((WebSocketFrame frame) -> {
      if (!(frame.isText() || frame.isBinary() || frame.isContinuation()) || to.isClosed()) {
        return;
      }
      to.writeFrame(frame);
      if (to.writeQueueFull()) {
        from.pause();
        to.drainHandler(v -> from.resume());
      }
    });
  }

  /** A close code that may be sent in a close frame; the reserved ones (1005, 1006, 1015) may not. */
  private static Optional<Short> forwardable(Short code) {
    if (code == null || code == 1005 || code == 1006 || code == 1015 || code < 1000 || code >= 5000) {
      return Optional.empty();
    }
    return Optional.of(code);
  }

  private static String reason(WebSocketBase ws) {
    String reason = ws.closeReason();
    return reason == null ? "" : reason;
  }

  /** Closes every proxied socket: clients get {@value #SERVICE_RESTART} and reconnect to another gateway. */
  void closeAll(String why) {
    for (Pair p : open) {
      ended(p);
      if (!p.downstream().isClosed()) {
        p.downstream().close(SERVICE_RESTART, why);
      }
      if (!p.upstream().isClosed()) {
        p.upstream().close(GOING_AWAY, why);
      }
    }
  }

  int openCount() {
    return open.size();
  }

  static boolean isUpgrade(HttpServerRequest req) {
    String upgrade = req.getHeader("Upgrade");
    return upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket") && req.canUpgradeToWebSocket();
  }
}
