package io.ultrachat.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSocketProxyIT {
  private ProxyHarness h;

  @BeforeEach
  void setUp() {
    h = new ProxyHarness(ProxyHarness.testConfig());
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  /** Collects what a JDK WebSocket client receives. */
  private static final class Listener implements WebSocket.Listener {
    final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        received.add("text:" + text);
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      received.add("binary:" + new String(bytes, StandardCharsets.UTF_8));
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed.complete(statusCode + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.complete("error " + error);
    }

    String next() throws InterruptedException {
      String s = received.poll(10, TimeUnit.SECONDS);
      assertThat(s).as("a message within 10 s").isNotNull();
      return s;
    }
  }

  private WebSocket open(Listener listener) throws Exception {
    return h.http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create("ws://127.0.0.1:" + h.port + "/api/v1/realtime"), listener).get(10, TimeUnit.SECONDS);
  }

  @Test
  void echoesTextAndBinaryAndPassesTheClientsCloseCodeUpstream() throws Exception {
    FakeUpstream rt = h.upstream("realtime", "rt-1");
    h.check();
    Listener listener = new Listener();
    WebSocket ws = open(listener);

    ws.sendText("hello", true).get(5, TimeUnit.SECONDS);
    assertThat(listener.next()).isEqualTo("text:rt-1:hello");
    ws.sendBinary(ByteBuffer.wrap("bytes".getBytes(StandardCharsets.UTF_8)), true).get(5, TimeUnit.SECONDS);
    assertThat(listener.next()).isEqualTo("binary:bytes!");
    ws.sendText("frag", false).get(5, TimeUnit.SECONDS);
    ws.sendText("mented", true).get(5, TimeUnit.SECONDS);
    assertThat(listener.next()).isEqualTo("text:rt-1:fragmented");

    ws.sendClose(4000, "bye").get(5, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(10)).until(() -> !rt.webSocketCloses.isEmpty());
    assertThat(rt.webSocketCloses).containsExactly("4000 bye");
    await().atMost(Duration.ofSeconds(10)).until(() -> h.proxy.openWebSockets() == 0);
  }

  @Test
  void passesTheUpstreamsCloseCodeToTheClient() throws Exception {
    h.upstream("realtime", "rt-1");
    h.check();
    Listener listener = new Listener();
    WebSocket ws = open(listener);

    ws.sendText("close 4008 too slow", true).get(5, TimeUnit.SECONDS);

    assertThat(listener.closed.get(10, TimeUnit.SECONDS)).isEqualTo("4008 too slow");
  }

  @Test
  void upstreamThatDiesClosesTheClientWithServiceRestartAndTheNextSocketLandsElsewhere() throws Exception {
    FakeUpstream doomed = new FakeUpstream(h.vertx, "rt-1");
    h.fakes.add(doomed);
    TcpRelay relay = new TcpRelay(h.vertx, doomed.port);
    h.registry.register("realtime", relay.instance("rt-1"), Duration.ofHours(1));
    h.check();
    Listener listener = new Listener();
    WebSocket ws = open(listener);
    ws.sendText("who", true).get(5, TimeUnit.SECONDS);
    assertThat(listener.next()).isEqualTo("text:rt-1:who");
    h.upstream("realtime", "rt-2");
    h.check();

    relay.kill();

    assertThat(listener.closed.get(10, TimeUnit.SECONDS)).isEqualTo(WebSocketProxy.SERVICE_RESTART + " upstream went away; reconnect");
    Listener again = new Listener();
    WebSocket second = open(again);
    second.sendText("who", true).get(5, TimeUnit.SECONDS);
    assertThat(again.next()).isEqualTo("text:rt-2:who");
    second.sendClose(1000, "").get(5, TimeUnit.SECONDS);
  }

  @Test
  void upstreamGoingAwayBecomesServiceRestart() throws Exception {
    h.upstream("realtime", "rt-1");
    h.check();
    Listener listener = new Listener();
    WebSocket ws = open(listener);

    ws.sendText("close 1001 stopping", true).get(5, TimeUnit.SECONDS);

    assertThat(listener.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1012 upstream went away; reconnect");
  }

  @Test
  void holdsMoreWebSocketsToOneInstanceThanAnHttpPoolWould() throws Exception {
    // A proxied WebSocket keeps its upstream connection for life; a pool bound on them (1,024
    // once) left every upgrade past it waiting until its connect timeout.
    FakeUpstream rt = h.upstream("realtime", "rt-1");
    h.check();
    int n = 1_100;
    java.util.List<CompletableFuture<WebSocket>> opening = new java.util.ArrayList<>();
    Listener listener = new Listener();
    for (int i = 0; i < n; i++) {
      opening.add(h.http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20))
          .buildAsync(URI.create("ws://127.0.0.1:" + h.port + "/api/v1/realtime"), listener));
    }
    CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).get(40, TimeUnit.SECONDS);
    assertThat(h.proxy.openWebSockets()).isEqualTo(n);
    WebSocket last = opening.getLast().get();
    last.sendText("still there", true).get(5, TimeUnit.SECONDS);
    assertThat(listener.next()).isEqualTo("text:rt-1:still there");
    for (CompletableFuture<WebSocket> ws : opening) {
      ws.get().sendClose(WebSocket.NORMAL_CLOSURE, "");
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> h.proxy.openWebSockets() == 0 && rt.webSocketCloses.size() == n);
  }

  @Test
  void upgradeWithNoInstanceGets503() throws Exception {
    // A raw socket: the JDK client refuses to set Upgrade by hand.
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", h.port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET /api/v1/realtime HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      byte[] buf = new byte[4096];
      int n = socket.getInputStream().read(buf);
      String head = new String(buf, 0, n, StandardCharsets.US_ASCII);
      assertThat(head).startsWith("HTTP/1.1 503").contains("Retry-After: 5");
    }
  }
}
