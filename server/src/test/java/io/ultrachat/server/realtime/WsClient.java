package io.ultrachat.server.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.kernel.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A test client for the realtime protocol: collects frames, sends JSON, reports the close code,
 * and can drop its connection abruptly ({@link #kill}) as a crashing client or network would.
 */
public final class WsClient implements AutoCloseable {
  /** One HTTP client for every test socket: each WebSocket still has its own TCP connection. */
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final WebSocket socket;
  private final boolean autoRead;
  private final List<Long> pings = new java.util.concurrent.CopyOnWriteArrayList<>();

  private WsClient(String baseUrl, boolean autoRead) {
    this.autoRead = autoRead;
    this.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create(baseUrl.replace("http://", "ws://") + "/api/v1/realtime"), new Listener()).join();
  }

  public static WsClient connect(String baseUrl) {
    return new WsClient(baseUrl, true);
  }

  /** A client that reads nothing until told to: a slow consumer. */
  static WsClient connectWithoutReading(String baseUrl) {
    return new WsClient(baseUrl, false);
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public void onOpen(WebSocket webSocket) {
      if (autoRead) {
        webSocket.request(1);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          frames.add(Json.mapper().readTree(partial.toString()));
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
        partial.setLength(0);
      }
      if (autoRead) {
        webSocket.request(1);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, java.nio.ByteBuffer message) {
      pings.add(System.nanoTime());
      if (autoRead) {
        webSocket.request(1);
      }
      return null; // the JDK answers with a pong by itself
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(-1);
    }
  }

  public void send(Map<String, ?> frame) {
    try {
      socket.sendText(Json.mapper().writeValueAsString(frame), true).join();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  void sendRaw(String text) {
    socket.sendText(text, true).join();
  }

  /**
   * Drops the connection at once: the TCP socket is closed without a close frame, and frames
   * received but not yet taken are forgotten, as when a client crashes or its network goes.
   */
  public void kill() {
    socket.abort();
    frames.clear();
  }

  /** When the server's pings arrived ({@link System#nanoTime}), oldest first. */
  public List<Long> pings() {
    return List.copyOf(pings);
  }

  /** The next frame within the timeout, or null; for readers that handle every frame themselves. */
  public JsonNode poll(Duration timeout) throws InterruptedException {
    return frames.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Starts reading everything, for a client made with {@link #connectWithoutReading}. */
  void readEverything() {
    socket.request(Long.MAX_VALUE);
  }

  /** The next frame matching, skipping others; fails after the timeout. */
  public JsonNode next(Predicate<JsonNode> matching, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      JsonNode f = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
      if (f == null) {
        throw new AssertionError("no matching frame within " + timeout);
      }
      if (matching.test(f)) {
        return f;
      }
    }
  }

  public JsonNode next(String type) throws InterruptedException {
    return next(f -> type.equals(f.path("type").asText()), Duration.ofSeconds(10));
  }

  /** The next event of a given event type. */
  public JsonNode nextEvent(String eventType) throws InterruptedException {
    return next(f -> "event".equals(f.path("type").asText()) && eventType.equals(f.path("event").path("type").asText()),
        Duration.ofSeconds(10)).path("event");
  }

  /** Every frame received within the window. */
  public List<JsonNode> drain(Duration window) throws InterruptedException {
    List<JsonNode> out = new ArrayList<>();
    long deadline = System.nanoTime() + window.toNanos();
    JsonNode f;
    while ((f = frames.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) != null) {
      out.add(f);
    }
    return out;
  }

  /** Whether the server has closed the TCP connection (seen even when not reading frames). */
  public boolean isClosedByServer() {
    return socket.isInputClosed() || closed.isDone();
  }

  public int closeCode(Duration timeout) throws Exception {
    return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    socket.abort();
  }
}
