package io.ultrachat.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.kernel.json.Json;
import io.ultrachat.server.Api;
import io.ultrachat.server.realtime.WsClient;
import io.ultrachat.testkit.PostgresSchemas;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real cluster on this machine, every part its own process: a gateway, an auth node and two
 * chat/realtime nodes (separate JVMs from the build's jar) on PostgreSQL, with a NATS and a Redis
 * server that this test starts on free loopback ports so it can restart them. Under a steady load
 * of sends, one chat node is killed with {@code kill -9} and replaced, the other is restarted
 * gracefully (a rolling restart), then NATS and then Redis are restarted. Clients only ever talk
 * to the gateway and retry a failed send with the same {@code clientId}, as the web client does;
 * receivers reconnect through the gateway and resume. At the end every acknowledged message is in
 * the store once and every receiver has each exactly once, in order, and no send failed for good.
 */
class ClusterIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private static final String SECRET = "cluster-test-secret-" + "0123456789abcdef0123456789abcdef";

  private final List<LocalProcess> processes = Collections.synchronizedList(new ArrayList<>());
  private Path logs;
  private String database;
  private LocalProcess nats;
  private LocalProcess redis;

  @BeforeEach
  void infrastructure() throws IOException {
    logs = Files.createTempDirectory("ultrachat-cluster-");
    database = PostgresSchemas.createSchema();
    int natsPort = LocalProcess.freePort();
    Path natsDir = Files.createDirectories(logs.resolve("nats-data"));
    nats = track(LocalProcess.of("nats", natsPort, logs,
        List.of("/usr/sbin/nats-server", "-a", "127.0.0.1", "-p", Integer.toString(natsPort), "-js", "-sd", natsDir.toString())));
    int redisPort = LocalProcess.freePort();
    redis = track(LocalProcess.of("redis", redisPort, logs, List.of("redis-server", "--port", Integer.toString(redisPort),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", logs.toString())));
    nats.start().awaitListening(Duration.ofSeconds(20));
    redis.start().awaitListening(Duration.ofSeconds(20));
  }

  @AfterEach
  void tearDown() {
    List<LocalProcess> all;
    synchronized (processes) {
      all = new ArrayList<>(processes);
    }
    all.forEach(LocalProcess::kill);
    PostgresSchemas.dropSchema(database);
  }

  private LocalProcess track(LocalProcess p) {
    processes.add(p);
    return p;
  }

  private List<String> common(int nodeId) {
    return List.of("database.url=" + database, "node.id=" + nodeId,
        "bus.backend=nats", "bus.nats-url=nats://127.0.0.1:" + nats.port,
        "kv.backend=redis", "kv.redis-url=redis://127.0.0.1:" + redis.port, "cache.backend=redis",
        "gateway.registry=key-value", "gateway.registry-ttl=4s", "gateway.registry-heartbeat=1s",
        "gateway.health-interval=500ms", "gateway.health-failures=1",
        "cluster.service-secret=" + SECRET, "http.host=127.0.0.1", "http.shutdown-grace=2s", "http.shutdown-delay=1500ms",
        "auth.argon2.memory-kib=1024", "auth.argon2.iterations=1", "data-dir=" + logs.resolve("data-" + nodeId),
        "rate-limit.auth.requests=100000", "rate-limit.user.requests=1000000", "rate-limit.anonymous.requests=1000000",
        "realtime.frame-rate=1000");
  }

  private LocalProcess chatNode(String name, int nodeId) {
    List<String> s = new ArrayList<>(common(nodeId));
    s.add("services=chat,realtime");
    return track(LocalProcess.node(name, logs, LocalProcess.freePort(), s)).start();
  }

  private static String token(JsonNode registered) {
    return registered.path("accessToken").asText();
  }

  @Test
  void killsAndRestartsLoseNoAcknowledgedMessage() throws Exception {
    List<String> authSettings = new ArrayList<>(common(1));
    authSettings.add("services=auth");
    LocalProcess auth = track(LocalProcess.node("auth", logs, LocalProcess.freePort(), authSettings)).start();
    List<String> gatewaySettings = new ArrayList<>(common(2));
    gatewaySettings.add("services=gateway");
    LocalProcess gateway = track(LocalProcess.node("gateway", logs, LocalProcess.freePort(), gatewaySettings)).start();
    LocalProcess[] chat = {chatNode("chat-a", 10), chatNode("chat-b", 11)};
    auth.awaitReady(Duration.ofSeconds(90));
    gateway.awaitReady(Duration.ofSeconds(90));
    chat[0].awaitReady(Duration.ofSeconds(90));
    chat[1].awaitReady(Duration.ofSeconds(90));

    // Everything below goes through the gateway only.
    Api api = new Api(gateway.baseUrl());
    JsonNode alice = awaitRegistered(api, "alice");
    String aliceToken = token(alice);
    String ws = api.post("/api/v1/workspaces", Map.of("name", "Acme"), aliceToken).ok(201).json().path("id").asText();
    String general = api.post("/api/v1/workspaces/" + ws + "/conversations", Map.of("kind", "public", "name", "general"), aliceToken)
        .ok(201).json().path("id").asText();
    List<String> receiverTokens = new ArrayList<>();
    for (String name : List.of("bob", "carol", "dave")) {
      JsonNode u = api.register(name, "battery staple horse");
      api.raw("PUT", "/api/v1/workspaces/" + ws + "/members/" + u.path("user").path("id").asText(), "application/json",
          "{\"role\":\"member\"}", aliceToken).ok(200);
      api.raw("PUT", "/api/v1/conversations/" + general + "/members/" + u.path("user").path("id").asText(), null, "", token(u)).ok(200);
      receiverTokens.add(token(u));
    }

    AtomicBoolean sending = new AtomicBoolean(true);
    Map<String, Long> acked = new ConcurrentHashMap<>(); // message id -> seq
    AtomicInteger retries = new AtomicInteger();
    AtomicInteger failedForGood = new AtomicInteger();
    List<Receiver> receivers = receiverTokens.stream().map(t -> new Receiver(gateway.baseUrl(), t, general)).toList();
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    for (Receiver r : receivers) {
      pool.submit(r::run);
    }
    List<Future<?>> senders = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      int sender = s;
      senders.add(pool.submit(() -> {
        for (int i = 0; sending.get(); i++) {
          String clientId = "s" + sender + "-" + i;
          if (!sendUntilAcked(gateway.baseUrl(), aliceToken, general, clientId, acked, retries)) {
            failedForGood.incrementAndGet();
          }
          Thread.sleep(40);
        }
        return null;
      }));
    }

    Thread.sleep(4_000);
    chat[0].kill();                                            // a node dies mid-load
    Thread.sleep(3_000);
    chat[0] = chatNode("chat-a2", 10).awaitReady(Duration.ofSeconds(90));
    Thread.sleep(3_000);
    int retriesBeforeRollingRestart = retries.get();
    chat[0].stop();                                            // a rolling restart of both nodes:
    chat[0] = chatNode("chat-a3", 10).awaitReady(Duration.ofSeconds(90));
    Thread.sleep(1_500);                                       // (the gateway's next probe puts it in rotation)
    chat[1].stop();                                            // each leaves rotation before it stops
    chat[1] = chatNode("chat-b2", 11).awaitReady(Duration.ofSeconds(90));
    Thread.sleep(1_500);
    int rollingRestartRetries = retries.get() - retriesBeforeRollingRestart;
    nats.kill();                                               // the bus goes away and comes back
    Thread.sleep(2_000);
    nats.start().awaitListening(Duration.ofSeconds(20));
    Thread.sleep(3_000);
    redis.kill();                                              // Redis too (it comes back empty)
    Thread.sleep(2_000);
    redis.start().awaitListening(Duration.ofSeconds(20));
    Thread.sleep(4_000);
    sending.set(false);
    // Each sender finishes the send it is in (to its acknowledgement) before anything is compared:
    // one cut off mid-request may already be committed and delivered, but never recorded as acked.
    for (Future<?> f : senders) {
      f.get(90, TimeUnit.SECONDS);
    }

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && receivers.stream().anyMatch(r -> !r.hasAll(acked))) {
      Thread.sleep(250);
    }
    receivers.forEach(Receiver::stop);
    pool.shutdownNow();

    assertThat(failedForGood.get()).as("sends that failed for good").isZero();
    assertThat(rollingRestartRetries).as("sends that needed a retry during the rolling restart").isZero();
    assertThat(acked).hasSizeGreaterThan(200);
    // The store holds exactly the acknowledged messages, gapless.
    List<Long> seqs = new ArrayList<>(acked.values());
    Collections.sort(seqs);
    assertThat(seqs).as("acknowledged seqs").doesNotHaveDuplicates();
    assertThat(seqs.getFirst()).isEqualTo(1);
    assertThat(seqs.getLast()).isEqualTo(acked.size());
    for (Receiver r : receivers) {
      assertThat(r.problems).as("receiver problems").isEmpty();
      assertThat(r.received.keySet()).as("every acknowledged message, once").containsAll(acked.keySet());
      assertThat(r.received).hasSameSizeAs(acked);
    }
    System.out.printf("cluster: %d messages acknowledged, %d send retries, reconnects per receiver %s%n", acked.size(),
        retries.get(), receivers.stream().map(r -> r.connections.get()).toList());
  }

  /** The gateway finds the auth node through the registry a moment after both are up. */
  private static JsonNode awaitRegistered(Api api, String name) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Api.Response r = api.post("/api/v1/auth/register", Map.of("username", name, "password", "correct horse battery"));
      if (r.status() == 201) {
        return r.json();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("registration through the gateway kept failing: " + r.status() + " " + r.body());
      }
      Thread.sleep(250);
    }
  }

  /** POSTs one message, retrying with the same clientId until acknowledged (at most 60 s). */
  private static boolean sendUntilAcked(String base, String token, String conversation, String clientId, Map<String, Long> acked,
      AtomicInteger retries) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String body = "{\"body\":\"m " + clientId + "\",\"clientId\":\"" + clientId + "\"}";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/conversations/" + conversation + "/messages"))
            .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 201 || r.statusCode() == 200) {
          JsonNode m = Json.mapper().readTree(r.body());
          acked.put(m.path("id").asText(), m.path("seq").asLong());
          return true;
        }
        if (r.statusCode() < 500 && r.statusCode() != 429 && r.statusCode() != 401) {
          throw new AssertionError("send refused for good: " + r.statusCode() + " " + r.body());
        }
      } catch (IOException e) {
        // Connection reset by a node going away mid-request: retry with the same clientId.
      }
      retries.incrementAndGet();
      Thread.sleep(200);
    }
    return false;
  }

  /** A client that stays connected through the gateway, resuming after every drop. */
  private static final class Receiver {
    final String base;
    final String token;
    final String conversation;
    final Map<String, Long> received = new LinkedHashMap<>();
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger connections = new AtomicInteger();
    volatile boolean running = true;
    volatile long last;

    Receiver(String base, String token, String conversation) {
      this.base = base;
      this.token = token;
      this.conversation = conversation;
    }

    synchronized boolean hasAll(Map<String, Long> acked) {
      return received.keySet().containsAll(acked.keySet());
    }

    void stop() {
      running = false;
    }

    Void run() throws InterruptedException {
      while (running) {
        WsClient c;
        try {
          c = WsClient.connect(base);
          c.send(Map.of("type", "hello", "token", token, "resume", Map.of(conversation, last)));
          connections.incrementAndGet();
        } catch (RuntimeException e) {
          Thread.sleep(200);
          continue;
        }
        try {
          while (running) {
            JsonNode f = c.poll(Duration.ofMillis(250));
            if (f == null) {
              if (c.isClosedByServer()) {
                break;
              }
              continue;
            }
            String type = f.path("type").asText();
            if (type.equals("resync")) {
              problems.add("resync from " + f.path("fromSeq").asLong());
            }
            JsonNode e = f.path("event");
            if (type.equals("event") && e.path("type").asText().equals("message.created")
                && e.path("conversationId").asText().equals(conversation)) {
              long seq = e.path("seq").asLong();
              if (seq <= last) {
                continue; // a repeat after a reconnect: deduplicated, as clients do
              }
              if (seq != last + 1) {
                problems.add("gap: got seq " + seq + " after " + last);
              }
              synchronized (this) {
                if (received.put(e.path("message").path("id").asText(), seq) != null) {
                  problems.add("message " + e.path("message").path("id").asText() + " twice with a new seq");
                }
              }
              last = seq;
            }
          }
        } finally {
          c.close();
        }
      }
      return null;
    }
  }
}
