package io.ultrachat.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * The REST calls that prepare a chat benchmark: accounts, a workspace, conversations and their
 * members, and reading {@code /metrics}. Blocking (each call waits for its answer); run them
 * from plain or virtual threads, never from an event loop. Concurrency comes from
 * {@link #forEach}.
 */
final class ChatSetup {
  static final String PASSWORD = "bench-password-1234";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TIMEOUT_SECONDS = 60;

  /** A registered account: its id and access token. */
  record User(long id, String username, String token) {}

  private final HttpClientAgent http;
  private final String tag;

  ChatSetup(HttpClientAgent http) {
    this.http = http;
    // Usernames unique per run and process: several generators share one server.
    this.tag = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36, 36L * 36 * 36 * 36 * 36 * 36), 36);
  }

  /** Runs {@code task(i)} for i in [0, n) on at most {@code concurrency} virtual threads; fails on the first failure. */
  static void forEach(int n, int concurrency, IntConsumer task) {
    Semaphore permits = new Semaphore(concurrency);
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n && failure.get() == null; i++) {
        permits.acquireUninterruptibly();
        int index = i;
        pool.execute(() -> {
          try {
            task.accept(index);
          } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
          } finally {
            permits.release();
          }
        });
      }
    }
    if (failure.get() != null) {
      throw failure.get();
    }
  }

  /** Registers {@code n} accounts, {@code concurrency} at a time, in index order. */
  List<User> register(int n, int concurrency) {
    List<User> users = Collections.synchronizedList(new ArrayList<>(Collections.nCopies(n, (User) null)));
    forEach(n, concurrency, i -> users.set(i, register("b" + tag + "-" + i)));
    return new ArrayList<>(users);
  }

  User register(String username) {
    JsonNode n = call(HttpMethod.POST, "/api/v1/auth/register", null, Map.of("username", username, "password", PASSWORD), 201);
    return new User(n.path("user").path("id").asLong(), username, n.path("accessToken").asText());
  }

  /** Creates a workspace owned by {@code owner}; its id. */
  long workspace(User owner, String name) {
    return call(HttpMethod.POST, "/api/v1/workspaces", owner, Map.of("name", name), 201).path("id").asLong();
  }

  void addToWorkspace(User owner, long workspaceId, User user) {
    call(HttpMethod.PUT, "/api/v1/workspaces/" + workspaceId + "/members/" + user.id(), owner, Map.of("role", "member"), 200);
  }

  /** Creates a public channel; its creator becomes a member. Its id. */
  long channel(User creator, long workspaceId, String name) {
    return call(HttpMethod.POST, "/api/v1/workspaces/" + workspaceId + "/conversations", creator,
        Map.of("kind", "public", "name", name), 201).path("id").asLong();
  }

  /** {@code member} (already in the conversation) adds {@code user} (a workspace member). */
  void addToConversation(User member, long conversationId, User user) {
    call(HttpMethod.PUT, "/api/v1/conversations/" + conversationId + "/members/" + user.id(), member, null, 200);
  }

  /** The server's Prometheus exposition. */
  String metrics() {
    RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setURI("/metrics");
    Reply r = send(ro, null);
    if (r.status != 200) {
      throw new IllegalStateException("GET /metrics returned HTTP " + r.status);
    }
    return r.body;
  }

  /**
   * The sum of a counter's samples whose labels contain every one of {@code labels}
   * ({@code name="value"} pairs), e.g. {@code cache_gets_total} with {@code cache="chat-messages"}.
   */
  static double counter(String exposition, String name, String... labels) {
    double sum = 0;
    for (String line : exposition.split("\n")) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      boolean all = true;
      for (String l : labels) {
        all &= line.contains(l);
      }
      if (all) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  JsonNode call(HttpMethod method, String path, User as, Object body, int expected) {
    RequestOptions ro = new RequestOptions().setMethod(method).setURI(path);
    if (as != null) {
      ro.putHeader("Authorization", "Bearer " + as.token());
    }
    Buffer payload = null;
    if (body != null) {
      ro.putHeader("Content-Type", "application/json");
      try {
        payload = Buffer.buffer(JSON.writeValueAsBytes(body));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    Reply r = send(ro, payload);
    if (r.status != expected) {
      String hint = r.status == 429 ? " (start the server with the rate limits lifted, as bench/run.sh does)" : "";
      throw new IllegalStateException(method + " " + path + " returned HTTP " + r.status + hint + ": " + r.body);
    }
    try {
      return r.body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body);
    } catch (IOException e) {
      throw new IllegalStateException("unparseable answer to " + method + " " + path + ": " + r.body, e);
    }
  }

  private record Reply(int status, String body) {}

  private Reply send(RequestOptions ro, Buffer payload) {
    Future<Reply> f = http.request(ro)
        .compose(req -> payload == null ? req.send() : req.send(payload))
        .compose(res -> res.body().map(b -> new Reply(res.statusCode(), b.toString(StandardCharsets.UTF_8))));
    try {
      return f.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(ro.getMethod() + " " + ro.getURI() + " failed: " + e, e);
    }
  }
}
