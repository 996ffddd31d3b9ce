package io.ultrachat.gateway.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny upstream service instance on 127.0.0.1, port 0, for the proxy tests. Paths:
 * {@code /health/ready} (200, or 503 while {@link #ready} is false); anything under
 * {@code /slow} answers after {@code ?ms=} milliseconds; {@code /crash} closes the connection
 * without answering; {@code /upload} counts the body as it arrives; anything else echoes
 * {@code name method path} and the forwarding headers. A WebSocket echoes text and binary
 * frames; the text {@code close <code> <reason>} makes it close with that code.
 */
final class FakeUpstream implements AutoCloseable {
  final String name;
  final AtomicBoolean ready = new AtomicBoolean(true);
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger crashes = new AtomicInteger();
  final AtomicInteger slowInFlight = new AtomicInteger();
  final AtomicLong uploadedBytes = new AtomicLong();
  final AtomicInteger uploadChunks = new AtomicInteger();
  final List<String> seenHeaders = new CopyOnWriteArrayList<>();
  final List<String> webSocketCloses = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  private final Vertx vertx;
  final int port;

  FakeUpstream(Vertx vertx, String name) {
    this.name = name;
    this.vertx = vertx;
    this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(this::handle)
        .webSocketHandler(this::webSocket);
    this.port = Futures.await(server.listen()).actualPort();
  }

  Instance instance() {
    return new Instance(name, "http://127.0.0.1:" + port);
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    if (path.equals("/health/ready")) {
      req.response().setStatusCode(ready.get() ? 200 : 503).end(ready.get() ? "{\"status\":\"up\"}" : "{\"status\":\"down\"}");
      return;
    }
    requests.incrementAndGet();
    seenHeaders.add("X-Forwarded-For=" + req.getHeader("X-Forwarded-For") + " X-Forwarded-Host=" + req.getHeader("X-Forwarded-Host")
        + " X-Forwarded-Proto=" + req.getHeader("X-Forwarded-Proto") + " X-Request-Id=" + req.getHeader("X-Request-Id")
        + " Connection=" + req.getHeader("Connection") + " X-Custom=" + req.getHeader("X-Custom"));
    if (path.endsWith("/crash")) {
      crashes.incrementAndGet();
      req.connection().close();
      return;
    }
    if (path.endsWith("/slow")) {
      long ms = Long.parseLong(req.getParam("ms", "1000"));
      slowInFlight.incrementAndGet();
      req.body().onSuccess(b -> vertx.setTimer(ms, t -> {
        slowInFlight.decrementAndGet();
        req.response().end(name + " slow done");
      }));
      return;
    }
    if (path.endsWith("/upload")) {
      req.handler(chunk -> {
        uploadChunks.incrementAndGet();
        uploadedBytes.addAndGet(chunk.length());
      });
      req.endHandler(v -> req.response().putHeader("Content-Type", "text/plain").end(Long.toString(uploadedBytes.get())));
      return;
    }
    if (path.endsWith("/unavailable")) {
      req.response().setStatusCode(503).end(name + " unavailable");
      return;
    }
    req.body().onSuccess(body -> req.response()
        .putHeader("Content-Type", "text/plain")
        .putHeader("X-Upstream", name)
        .putHeader("Keep-Alive", "timeout=5")
        .end(name + " " + req.method() + " " + req.uri() + " " + body.length()));
  }

  private void webSocket(ServerWebSocket ws) {
    ws.textMessageHandler(text -> {
      if (text.startsWith("close ")) {
        String[] parts = text.split(" ", 3);
        ws.close(Short.parseShort(parts[1]), parts.length > 2 ? parts[2] : "");
      } else {
        ws.writeTextMessage(name + ":" + text);
      }
    });
    ws.binaryMessageHandler(bytes -> ws.writeBinaryMessage(Buffer.buffer().appendBuffer(bytes).appendString("!")));
    ws.closeHandler(v -> webSocketCloses.add(ws.closeStatusCode() + " " + ws.closeReason()));
  }

  /** Stops listening and drops every connection: the instance "dies". */
  @Override
  public void close() {
    Futures.await(server.close());
  }
}
