package io.ultrachat.server.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Resume under load (DESIGN §5: "no message is lost by a reconnect"): senders push a bounded
 * number of messages over REST and over WebSockets into a few conversations while receivers are
 * killed again and again at random points (the TCP connection closed without a close frame,
 * unread frames forgotten) and reconnect with {@code resume} from the last {@code seq} they
 * handled. In the end every receiver has every acknowledged message exactly once after
 * deduplication by id, in {@code seq} order per conversation, and the sequences are gapless.
 * The WebSocket senders are killed too, now and then between a send and its ack, and retry
 * with the same {@code clientId}. Loopback only; about ten seconds of load. A failure names the
 * random seed it ran with.
 */
abstract class ResumeUnderLoadContract {
  private static final int CONVERSATIONS = 3;
  private static final int REST_SENDERS = 2;
  private static final int WS_SENDERS = 2;
  private static final int RECEIVERS = 3;
  private static final int MESSAGES = 2000;
  private static final Duration SEND_FOR = Duration.ofSeconds(10);
  /** Longest a receiver stays connected before it is killed, while the senders are busy. */
  private static final int KILL_WITHIN_MILLIS = 400;
  private static final Duration CATCH_UP = Duration.ofSeconds(60);

  private final TestServer.Backend backend;
  private TestServer server;
  private Api api;
  private final long seed = System.nanoTime();
  private final List<String> conversations = new ArrayList<>();
  /** What the server acknowledged: conversation → seq → message id. */
  private final Map<String, ConcurrentSkipListMap<Long, String>> acked = new ConcurrentHashMap<>();
  private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean sending = true;
  /** Marks a connection the server closed as a slow consumer. */
  private static final JsonNode CUT_OFF = MissingNode.getInstance();
  private final AtomicInteger slowConsumerCloses = new AtomicInteger();

  ResumeUnderLoadContract(TestServer.Backend backend) {
    this.backend = backend;
  }

  @BeforeEach
  void start() {
    server = TestServer.on(backend)
        .set("realtime.frame-rate", "10000")
        // Resume replays everything missed here; what lies beyond resume-max is RealtimeIT's business.
        .set("realtime.resume-max", "10000")
        .start();
    api = server.api();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private record Person(String id, String token) {}

  private Person person(String name) {
    JsonNode r = api.register(name, name + " password");
    return new Person(r.path("user").path("id").asText(), r.path("accessToken").asText());
  }

  @Test
  void killedReceiversResumeWithoutLossOrDuplicatesWhileMessagesPourIn() throws Exception {
    Person owner = person("owner");
    String workspace = api.post("/api/v1/workspaces", Map.of("name", "Load"), owner.token).ok(201).json().path("id").asText();
    List<Person> senders = new ArrayList<>();
    List<Person> receivers = new ArrayList<>();
    for (int i = 0; i < REST_SENDERS + WS_SENDERS; i++) {
      senders.add(person("sender" + i));
    }
    for (int i = 0; i < RECEIVERS; i++) {
      receivers.add(person("receiver" + i));
    }
    List<Person> everyone = new ArrayList<>(senders);
    everyone.addAll(receivers);
    for (Person p : everyone) {
      api.raw("PUT", "/api/v1/workspaces/" + workspace + "/members/" + p.id, "application/json", "{\"role\":\"member\"}", owner.token)
          .ok(200);
    }
    for (int i = 0; i < CONVERSATIONS; i++) {
      String c = api.post("/api/v1/workspaces/" + workspace + "/conversations", Map.of("kind", "public", "name", "load-" + i), owner.token)
          .ok(201).json().path("id").asText();
      conversations.add(c);
      acked.put(c, new ConcurrentSkipListMap<>());
      for (Person p : everyone) {
        api.raw("PUT", "/api/v1/conversations/" + c + "/members/" + p.id, null, "", p.token).ok(200);
      }
    }

    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    List<Receiver> rs = new ArrayList<>();
    List<Future<?>> receiving = new ArrayList<>();
    for (int i = 0; i < RECEIVERS; i++) {
      Receiver r = new Receiver(receivers.get(i).token, new Random(seed + i));
      rs.add(r);
      receiving.add(pool.submit(r::run));
    }
    int perSender = MESSAGES / senders.size();
    long pauseNanos = SEND_FOR.toNanos() / perSender;
    List<Future<?>> sending = new ArrayList<>();
    for (int i = 0; i < senders.size(); i++) {
      Person p = senders.get(i);
      int n = i;
      IntFunction<Boolean> send = n < REST_SENDERS ? k -> sendOverRest(p, n, k) : new WsSender(p, n, new Random(seed * 31 + n))::send;
      sending.add(pool.submit(() -> {
        long next = System.nanoTime();
        for (int k = 0; k < perSender && problems.isEmpty(); k++) {
          if (!send.apply(k)) {
            return null;
          }
          next += pauseNanos;
          long wait = next - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
          }
        }
        return null;
      }));
    }
    for (Future<?> f : sending) {
      f.get(SEND_FOR.plus(CATCH_UP).toSeconds(), TimeUnit.SECONDS);
    }
    this.sending = false;
    for (Future<?> f : receiving) {
      f.get(CATCH_UP.toSeconds(), TimeUnit.SECONDS);
    }
    pool.shutdown();

    assertThat(problems).as("problems (seed %d)", seed).isEmpty();
    int total = acked.values().stream().mapToInt(Map::size).sum();
    assertThat(total).as("acknowledged messages").isEqualTo(perSender * senders.size());
    for (String c : conversations) {
      SortedMap<Long, String> a = acked.get(c);
      // Gapless: seqs 1..n, one message each, and exactly what the store holds.
      assertThat(a.firstKey()).isEqualTo(1);
      assertThat(a.lastKey()).isEqualTo(a.size());
      assertThat(history(c, receivers.getFirst().token)).as("history of %s", c).isEqualTo(a);
    }
    for (Receiver r : rs) {
      System.out.printf("load: receiver reconnected %d times, saw %d duplicates; senders cut off as slow %d times (seed %d)%n",
          r.reconnects, r.duplicates.get(), slowConsumerCloses.get(), seed);
      assertThat(r.reconnects).as("reconnects (seed %d)", seed).isGreaterThan(5);
      for (String c : conversations) {
        assertThat(r.received.get(c)).as("what a receiver has of %s (seed %d)", c, seed).isEqualTo(acked.get(c));
      }
    }
  }

  private boolean sendOverRest(Person p, int sender, int k) {
    String c = conversations.get(k % CONVERSATIONS);
    Api.Response r = api.post("/api/v1/conversations/" + c + "/messages", Map.of("body", "rest " + sender + "/" + k,
        "clientId", "s" + sender + "-" + k), p.token);
    if (r.status() != 201) {
      problems.add("REST send answered " + r.status() + ": " + r.body());
      return false;
    }
    ack(c, r.json().path("seq").asLong(), r.json().path("id").asText());
    return true;
  }

  private void ack(String conversation, long seq, String id) {
    String previous = acked.get(conversation).putIfAbsent(seq, id);
    if (previous != null && !previous.equals(id)) {
      problems.add("seq " + seq + " of " + conversation + " acknowledged for two messages, " + previous + " and " + id);
    }
  }

  private SortedMap<Long, String> history(String conversation, String token) {
    SortedMap<Long, String> out = new TreeMap<>();
    long after = 0;
    while (true) {
      JsonNode page = api.get("/api/v1/conversations/" + conversation + "/messages?after=" + after + "&limit=200", token).ok(200).json();
      for (JsonNode m : page.path("messages")) {
        out.put(m.path("seq").asLong(), m.path("id").asText());
        after = m.path("seq").asLong();
      }
      if (!page.path("hasMoreAfter").asBoolean()) {
        return out;
      }
    }
  }

  /** Sends over one WebSocket, waiting for each ack; now and then it is killed mid-send and retries by clientId. */
  private final class WsSender {
    private final Person person;
    private final int sender;
    private final Random random;
    private WsClient ws;

    WsSender(Person person, int sender, Random random) {
      this.person = person;
      this.sender = sender;
      this.random = random;
    }

    boolean send(int k) {
      String c = conversations.get(k % CONVERSATIONS);
      Map<String, Object> frame = new LinkedHashMap<>();
      frame.put("type", "send");
      frame.put("conversationId", c);
      frame.put("body", "ws " + sender + "/" + k);
      frame.put("clientId", "s" + sender + "-" + k);
      try {
        for (int attempt = 0; attempt < 5; attempt++) {
          if (ws == null) {
            ws = WsClient.connect(server.baseUrl());
            ws.send(Map.of("type", "hello", "token", person.token));
            JsonNode ready = await(f -> "ready".equals(f.path("type").asText()), "ready after hello");
            if (ready == CUT_OFF) {
              continue;
            }
            if (ready == null) {
              return false;
            }
          }
          String ref = k + "." + attempt;
          frame.put("ref", ref);
          ws.send(frame);
          if (random.nextInt(20) == 0) {
            // Gone before the ack: the message may or may not be stored; the retry tells.
            ws.kill();
            ws = null;
            continue;
          }
          JsonNode answer = await(f -> ref.equals(f.path("ref").asText()), "the answer to " + frame);
          if (answer == CUT_OFF) {
            continue;
          }
          if (answer == null) {
            return false;
          }
          if (!"ack".equals(answer.path("type").asText())) {
            problems.add("WebSocket send answered " + answer);
            return false;
          }
          ack(c, answer.path("seq").asLong(), answer.path("messageId").asText());
          return true;
        }
        problems.add("no ack for " + frame + " after 5 attempts");
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (Exception e) {
        problems.add("WebSocket sender failed: " + e);
        return false;
      }
    }

    /**
     * The next frame matching; {@link #CUT_OFF} if the server closed the connection as a slow
     * consumer (a client then reconnects and retries); or null after recording a problem that
     * names the other frames seen meanwhile.
     */
    private JsonNode await(Predicate<JsonNode> matching, String what) throws Exception {
      List<String> others = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline) {
        JsonNode f = ws.poll(Duration.ofMillis(50));
        if (f == null) {
          if (ws.isClosedByServer()) {
            int code = ws.closeCode(Duration.ofSeconds(5));
            ws.kill();
            ws = null;
            if (code == 4008) {
              slowConsumerCloses.incrementAndGet();
              return CUT_OFF;
            }
            problems.add("sender " + sender + ": connection closed with " + code + " while waiting for " + what
                + "; other frames: " + others);
            return null;
          }
          continue;
        }
        if (matching.test(f)) {
          return f;
        }
        if (!"event".equals(f.path("type").asText())) {
          others.add(f.toString());
        }
      }
      problems.add("sender " + sender + ": nothing within 10 s for " + what + "; other frames: " + others);
      return null;
    }
  }

  /**
   * A client that keeps what it handled (conversation → seq → id), is killed at random points
   * while the senders are busy, and resumes from its last seq per conversation.
   */
  private final class Receiver {
    final Map<String, SortedMap<Long, String>> received = new LinkedHashMap<>();
    final Set<String> ids = new HashSet<>();
    final Map<String, Long> lastSeen = new LinkedHashMap<>();
    final AtomicInteger duplicates = new AtomicInteger();
    private final String token;
    private final Random random;
    int reconnects;

    Receiver(String token, Random random) {
      this.token = token;
      this.random = random;
      for (String c : conversations) {
        received.put(c, new TreeMap<>());
        lastSeen.put(c, 0L);
      }
    }

    void run() {
      try {
        long deadline = System.nanoTime() + SEND_FOR.plus(CATCH_UP).toNanos();
        while (problems.isEmpty() && System.nanoTime() < deadline) {
          if (session(deadline)) {
            return;
          }
          reconnects++;
        }
        if (problems.isEmpty()) {
          problems.add("a receiver did not catch up in time: " + lastSeen);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException | AssertionError e) {
        problems.add("receiver failed: " + e);
      }
    }

    /** One connection; true once everything acknowledged has been received after the senders finished. */
    private boolean session(long deadline) throws InterruptedException {
      WsClient ws = WsClient.connect(server.baseUrl());
      ws.send(Map.of("type", "hello", "token", token, "resume", new LinkedHashMap<>(lastSeen)));
      long killAt = System.nanoTime() + Duration.ofMillis(random.nextInt(KILL_WITHIN_MILLIS)).toNanos();
      while (System.nanoTime() < deadline) {
        JsonNode f = ws.poll(Duration.ofMillis(20));
        if (f != null) {
          handle(f);
          if (!problems.isEmpty()) {
            ws.kill();
            return true;
          }
        }
        if (!sending && caughtUp()) {
          ws.close();
          return true;
        }
        if (sending && System.nanoTime() >= killAt) {
          ws.kill();
          return false;
        }
        if (f == null && ws.isClosedByServer()) {
          return false;
        }
      }
      ws.kill();
      return false;
    }

    private void handle(JsonNode f) {
      switch (f.path("type").asText()) {
        case "ready", "pong" -> { }
        case "event" -> {
          JsonNode e = f.path("event");
          if (!"message.created".equals(e.path("type").asText())) {
            return;
          }
          String c = e.path("conversationId").asText();
          long seq = e.path("seq").asLong();
          String id = e.path("message").path("id").asText();
          if (!ids.add(id)) {
            duplicates.incrementAndGet();
            if (seq > lastSeen.get(c)) {
              problems.add("message " + id + " came again with a new seq " + seq);
            }
            return;
          }
          long expected = lastSeen.get(c) + 1;
          if (seq != expected) {
            problems.add("conversation " + c + ": expected seq " + expected + " but got " + seq + " (message " + id + ")");
            return;
          }
          received.get(c).put(seq, id);
          lastSeen.put(c, seq);
        }
        default -> problems.add("unexpected frame " + f);
      }
    }

    private boolean caughtUp() {
      for (String c : conversations) {
        if (lastSeen.get(c) < acked.get(c).size()) {
          return false;
        }
      }
      return true;
    }
  }
}
