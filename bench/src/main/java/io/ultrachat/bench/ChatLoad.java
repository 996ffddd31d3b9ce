package io.ultrachat.bench;

import static io.ultrachat.bench.Stats.ms;
import static io.ultrachat.bench.Stats.percentiles;
import static io.ultrachat.bench.Stats.round1;
import static io.ultrachat.bench.Stats.round3;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ultrachat.bench.ChatSetup.User;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Chat and realtime load generator: real WebSocket connections (protocol v1, {@code hello} with
 * an access token, {@code ready}) and REST calls against a running UltraChat server on this
 * machine. Modes:
 * <ul>
 *   <li>{@code idle}: registers accounts, puts them in one workspace channel, opens one
 *       authenticated WebSocket per account ({@code hello} → {@code ready}) and holds them. Reports
 *       the connect rate. With {@code --signal-dir} it coordinates with a script that measures the
 *       server's memory between the phases (see bench/run.sh).</li>
 *   <li>{@code ingest}: senders, each with its own connection (and by default its own channel),
 *       send {@code send} frames; a send is acknowledged only after the message committed.
 *       Reports acknowledged messages/s and ack latency.</li>
 *   <li>{@code fanout}: rooms of {@code --members} connections each; a few members of every room
 *       send at a controlled total rate; every member receives each message. Reports
 *       deliveries/s and the latency from the send to each delivery.</li>
 *   <li>{@code history}: fills channels with messages, then reads history pages over HTTP in a
 *       closed loop. Reports reads/s, latency and the {@code chat-messages} cache hit rate read
 *       from the server's {@code /metrics}.</li>
 * </ul>
 *
 * <p>Latency. Open-loop sends are timed from their <em>intended</em> send time (coordinated
 * omission corrected). A fan-out message carries its send time (microseconds on a clock shared
 * by every process of this machine: {@link #nowMicros}) in its body, and each receiver subtracts
 * it from its own reading of the same clock, so senders and receivers may be different processes.
 *
 * <p>Safety: loopback targets only; every count, rate and duration is capped; a watchdog ends
 * the process if it overruns; it starts no process.
 */
public final class ChatLoad {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long NS = 1_000_000_000L;
  /** Epoch microseconds at nanoTime 0, from the realtime clock once: see {@link #nowMicros}. */
  private static final long BASE_MICROS;

  static {
    Instant now = Instant.now();
    long nano = System.nanoTime();
    BASE_MICROS = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000 - nano / 1_000;
  }

  /** Epoch microseconds, monotonic within the process and comparable across processes of this machine. */
  static long nowMicros() {
    return BASE_MICROS + System.nanoTime() / 1_000;
  }

  private static final String USAGE = """
      Usage: ChatLoad --mode idle|ingest|fanout|history [options]
        --url URL               server base URL, loopback only (default http://127.0.0.1:18080)
        --local-address A       source address of the WebSocket connections, e.g. 127.0.0.2 (default: any)
        --ws-urls U1,U2,…       open WebSockets to these nodes instead of --url, connection i to U(i mod n)
                                (fan-out: member j of room r to U((r + j) mod n), so senders are spread over
                                the nodes too); REST setup still goes to --url. Fan-out then reports
                                cross-node deliveries apart
        --senders-on-first-node true  fan-out with --ws-urls: member j of every room to U(j mod n), so
                                every sender is on the first node (one committer takes all sends)
        --setup-concurrency K   concurrent REST calls and connects during setup (default 16; 1..256)
        --event-loops L         generator event loops (default 1; 1..8)
        --warmup S              seconds not measured (default 5; 0..600)
        --duration S            measured seconds (default 20; 1..300)
        --server-pid PID        report that process's CPU time over the measured window
        --label TEXT            stored with the JSON result
        --out FILE              append the JSON result to FILE
        --timeline true         also print, per second of the measured window, messages and max latency
      idle:
        --connections N         accounts and connections (default 1000; 1..19000)
        --signal-dir D --name G with a script: write D/G.registered, wait for D/go, connect,
                                write D/G.connected, hold until D/stop exists (or --hold ends)
        --hold S                longest time to hold the connections (default 30; 0..600)
        --group-size G          accounts per workspace (each with one channel); default: all in one
        --probe-rounds P        once connected (and, with --signal-dir, after D/probe exists): P rounds of one
                                message per channel from its owner; every connection must receive each one
                                (reports deliveries and send→deliver latency); then writes D/G.probed
      ingest:
        --senders S             sender connections, one account each (default 200; 1..5000)
        --rooms R               channels the senders share round-robin (default: one each)
        --rate R                open loop, messages/s in total (default 0 = closed loop)
        --in-flight F           closed loop: unacknowledged sends per connection (default 1; 1..64)
        --body-bytes B          message body size (default 100; 16..4000)
      fanout:
        --members M             members (connections) per room (default 20; 2..19000)
        --rooms K               rooms (default 1; K*M at most 19000)
        --senders-per-room s    members of each room that send (default 1)
        --rate R                messages/s over all rooms (default 100)
      history:
        --readers R             HTTP connections reading (default 16; 1..256)
        --conversations C       channels (default 100; 1..1000)
        --messages M            messages per channel, sent over WebSocket first (default 500; 50..5000)
        --pages P               pages of 50 read, newest first (default 5)
        --latest-share F        share of reads of the newest page (default 0.7)
        --write-rate W          messages/s sent meanwhile into the same channels (default 0)
      Exit code: 0 on a clean run, 1 when something failed during the measured window, 2 on bad usage or setup failure.
      """;

  record Options(String mode, URI url, String localAddress, int setupConcurrency, int eventLoops, int warmup, int duration,
      long serverPid, String label, Path out, int connections, Path signalDir, String name, int hold, int senders, int rooms,
      int rate, int inFlight, int bodyBytes, int members, int sendersPerRoom, int readers, int conversations, int messages,
      int pages, double latestShare, int writeRate, boolean timeline, int groupSize, List<URI> wsUrls, int probeRounds,
      boolean sendersOnFirstNode) {

    static Options parse(String[] args) {
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--help") || a.equals("-h")) {
          throw new LoadGenerator.Usage(null);
        }
        if (!a.startsWith("--") || i + 1 >= args.length) {
          throw new LoadGenerator.Usage("bad argument: " + a);
        }
        m.put(a.substring(2), args[++i]);
      }
      String mode = m.remove("mode");
      if (mode == null || !List.of("idle", "ingest", "fanout", "history").contains(mode)) {
        throw new LoadGenerator.Usage("--mode must be idle, ingest, fanout or history");
      }
      URI url = URI.create(take(m, "url", "http://127.0.0.1:18080"));
      requireLoopback(url.getHost(), "--url");
      String local = m.remove("local-address");
      if (local != null) {
        requireLoopback(local, "--local-address");
      }
      int members = range(m, "members", 20, 2, 19_000);
      boolean fanout = mode.equals("fanout");
      int rooms = range(m, "rooms", fanout ? 1 : 0, 0, 19_000);
      Options o = new Options(mode, url, local,
          range(m, "setup-concurrency", 16, 1, 256), range(m, "event-loops", 1, 1, 8),
          range(m, "warmup", 5, 0, 600), range(m, "duration", 20, 1, 300),
          Long.parseLong(take(m, "server-pid", "0")), take(m, "label", ""),
          m.containsKey("out") ? Path.of(m.remove("out")) : null,
          range(m, "connections", 1000, 1, 19_000),
          m.containsKey("signal-dir") ? Path.of(m.remove("signal-dir")) : null, take(m, "name", "g0"),
          range(m, "hold", 30, 0, 600),
          range(m, "senders", 200, 1, 5_000), rooms,
          range(m, "rate", fanout ? 100 : 0, 0, 1_000_000), range(m, "in-flight", 1, 1, 64),
          range(m, "body-bytes", 100, 16, 4000),
          members, range(m, "senders-per-room", 1, 1, 100),
          range(m, "readers", 16, 1, 256), range(m, "conversations", 100, 1, 1000), range(m, "messages", 500, 50, 5000),
          range(m, "pages", 5, 1, 100), Double.parseDouble(take(m, "latest-share", "0.7")), range(m, "write-rate", 0, 0, 100_000),
          Boolean.parseBoolean(take(m, "timeline", "false")), range(m, "group-size", 0, 0, 19_000),
          wsUrls(m.remove("ws-urls"), url), range(m, "probe-rounds", 0, 0, 100),
          Boolean.parseBoolean(take(m, "senders-on-first-node", "false")));
      if (!m.isEmpty()) {
        throw new LoadGenerator.Usage("unknown option(s): " + m.keySet());
      }
      if (fanout && (o.rooms < 1 || (long) o.rooms * o.members > 19_000)) {
        throw new LoadGenerator.Usage("--rooms × --members must be 1..19000");
      }
      if (fanout && o.sendersPerRoom > o.members) {
        throw new LoadGenerator.Usage("--senders-per-room must not exceed --members");
      }
      if (fanout && o.rate < 1) {
        throw new LoadGenerator.Usage("fanout needs --rate >= 1");
      }
      if (o.latestShare < 0 || o.latestShare > 1) {
        throw new LoadGenerator.Usage("--latest-share must be between 0 and 1");
      }
      return o;
    }

    /** The WebSocket targets: the listed loopback URLs, or the one --url. */
    private static List<URI> wsUrls(String list, URI url) {
      if (list == null) {
        return List.of(url);
      }
      List<URI> urls = new ArrayList<>();
      for (String u : list.split(",")) {
        URI uri = URI.create(u.strip());
        requireLoopback(uri.getHost(), "--ws-urls");
        urls.add(uri);
      }
      if (urls.isEmpty() || urls.size() > 16) {
        throw new LoadGenerator.Usage("--ws-urls takes 1..16 URLs");
      }
      return List.copyOf(urls);
    }

    private static String take(Map<String, String> m, String key, String dflt) {
      String v = m.remove(key);
      return v == null ? dflt : v;
    }

    private static int range(Map<String, String> m, String key, int dflt, int min, int max) {
      int v;
      try {
        v = Integer.parseInt(take(m, key, Integer.toString(dflt)));
      } catch (NumberFormatException e) {
        throw new LoadGenerator.Usage("--" + key + " must be an integer");
      }
      if (v < min || v > max) {
        throw new LoadGenerator.Usage("--" + key + " must be between " + min + " and " + max);
      }
      return v;
    }

    private static void requireLoopback(String host, String option) {
      boolean loopback;
      try {
        String bare = host != null && host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] all = InetAddress.getAllByName(bare);
        loopback = all.length > 0;
        for (InetAddress a : all) {
          loopback &= a.isLoopbackAddress();
        }
      } catch (IOException | RuntimeException e) {
        loopback = false;
      }
      if (!loopback) {
        throw new LoadGenerator.Usage(option + ": only loopback addresses (127.0.0.0/8, ::1, localhost) are allowed, not " + host);
      }
    }
  }

  // ------------------------------------------------------------------ state

  private final Options opt;
  private final Vertx vertx;
  private final HttpClientAgent http;
  private final WebSocketClient wsClient;
  private final ChatSetup setup;
  private final Map<String, Object> result = new LinkedHashMap<>();
  private final Map<String, Long> failures = new TreeMap<>();

  private ChatLoad(Options opt) {
    this.opt = opt;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(opt.eventLoops).setWorkerPoolSize(2)
        .setInternalBlockingPoolSize(2).setPreferNativeTransport(false));
    this.http = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setDefaultHost(opt.url.getHost()).setDefaultPort(opt.url.getPort())
            .setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(10_000).setIdleTimeout(120))
        .with(new PoolOptions().setHttp1MaxSize(Math.max(opt.setupConcurrency, opt.readers)).setMaxWaitQueueSize(-1))
        .build();
    WebSocketClientOptions wso = new WebSocketClientOptions().setDefaultHost(opt.url.getHost()).setDefaultPort(opt.url.getPort())
        .setMaxConnections(100_000).setConnectTimeout(30_000).setTcpNoDelay(true).setMaxMessageSize(1 << 20);
    if (opt.localAddress != null) {
      wso.setLocalAddress(opt.localAddress);
    }
    this.wsClient = vertx.createWebSocketClient(wso);
    this.setup = new ChatSetup(http);
  }

  public static void main(String[] args) throws Exception {
    Options opt;
    try {
      opt = Options.parse(args);
    } catch (LoadGenerator.Usage u) {
      if (u.getMessage() != null) {
        System.err.println("error: " + u.getMessage());
      }
      System.err.print(USAGE);
      System.exit(u.getMessage() == null ? 0 : 2);
      return;
    }
    startWatchdog(opt);
    ChatLoad load = new ChatLoad(opt);
    int code;
    try {
      code = load.run();
    } catch (SetupFailed e) {
      System.err.println("setup failed: " + e.getMessage());
      code = 2;
    } finally {
      // Closing tens of thousands of WebSockets may take longer than the wait: the result is
      // already printed, so exit with it rather than hang on a timeout.
      closeWithin(load.wsClient.close());
      closeWithin(load.http.close());
      closeWithin(load.vertx.close());
    }
    System.exit(code);
  }

  private static void closeWithin(io.vertx.core.Future<Void> closing) {
    try {
      closing.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("close did not finish: " + e);
    }
  }

  static final class SetupFailed extends RuntimeException {
    SetupFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static void startWatchdog(Options opt) {
    // Setup dominates: registrations, memberships and connects; generous, but finite.
    long limit = 900L + opt.warmup + opt.duration + opt.hold;
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(TimeUnit.SECONDS.toMillis(limit));
        System.err.println("watchdog: the run exceeded " + limit + " s; exiting");
        Runtime.getRuntime().halt(3);
      } catch (InterruptedException ignored) {
        // normal end
      }
    }, "watchdog");
    t.setDaemon(true);
    t.start();
  }

  private int run() throws Exception {
    result.put("label", opt.label);
    result.put("mode", opt.mode);
    result.put("url", opt.url.toString());
    if (opt.localAddress != null) {
      result.put("localAddress", opt.localAddress);
    }
    int code = switch (opt.mode) {
      case "idle" -> idle();
      case "ingest" -> ingest();
      case "fanout" -> fanout();
      case "history" -> history();
      default -> throw new IllegalStateException(opt.mode);
    };
    result.put("failures", failures);
    result.put("time", Instant.now().toString());
    String line = JSON.writeValueAsString(result);
    System.out.println("RESULT " + line);
    if (opt.out != null) {
      Files.writeString(opt.out, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    return code;
  }

  private void fail(String what) {
    synchronized (failures) {
      failures.merge(what, 1L, Long::sum);
    }
  }

  private static <T> T setupStep(String what, java.util.function.Supplier<T> step) {
    long t0 = System.nanoTime();
    try {
      T value = step.get();
      System.out.printf(Locale.ROOT, "setup: %s in %.1f s%n", what, (System.nanoTime() - t0) / 1e9);
      return value;
    } catch (RuntimeException e) {
      throw new SetupFailed(what + ": " + e.getMessage(), e);
    }
  }

  // ------------------------------------------------------------------ connections

  /** One client connection after {@code ready}; frames after that go to {@link #onFrame}. */
  final class Client {
    final User user;
    final WebSocket ws;
    /** Index of the node (in --ws-urls) this connection went to. */
    final int node;
    volatile FrameHandler onFrame = text -> {};
    volatile short closeCode = -1;

    Client(User user, WebSocket ws, int node) {
      this.user = user;
      this.ws = ws;
      this.node = node;
    }

    void send(String frame) {
      ws.writeTextMessage(frame);
    }
  }

  @FunctionalInterface
  interface FrameHandler {
    void frame(String text);
  }

  private final AtomicInteger closedUnexpectedly = new AtomicInteger();
  private volatile boolean closingOnPurpose;

  /** Which of --ws-urls connection {@code index} goes to (taken modulo their number). */
  private java.util.function.IntUnaryOperator nodeOf = index -> index;

  /** Connects, says hello and completes on {@code ready}; fails on an error or close before that. */
  private Future<Client> open(User user, int index) {
    Promise<Client> ready = Promise.promise();
    int node = nodeOf.applyAsInt(index) % opt.wsUrls.size();
    URI target = opt.wsUrls.get(node);
    WebSocketConnectOptions co = new WebSocketConnectOptions().setHost(target.getHost()).setPort(target.getPort())
        .setURI("/api/v1/realtime");
    wsClient.connect(co).onComplete(ar -> {
      if (ar.failed()) {
        ready.tryFail(ar.cause());
        return;
      }
      WebSocket ws = ar.result();
      Client c = new Client(user, ws, node);
      ws.textMessageHandler(text -> {
        if (ready.future().isComplete()) {
          c.onFrame.frame(text);
        } else if (text.contains("\"type\":\"ready\"")) {
          ready.tryComplete(c);
        } else if (text.contains("\"type\":\"error\"")) {
          ready.tryFail("error before ready: " + text);
        }
      });
      ws.closeHandler(v -> {
        c.closeCode = ws.closeStatusCode() == null ? -1 : ws.closeStatusCode();
        if (!ready.tryFail("closed before ready: " + ws.closeStatusCode() + " " + ws.closeReason()) && !closingOnPurpose) {
          closedUnexpectedly.incrementAndGet();
          fail("closed by the server with " + ws.closeStatusCode() + " " + ws.closeReason());
        }
      });
      ws.writeTextMessage("{\"type\":\"hello\",\"token\":\"" + user.token() + "\"}");
    });
    return ready.future();
  }

  /** What connecting many clients gave: the clients in user order, and the timing. */
  record Connected(List<Client> clients, int failed, double seconds, Histogram latency) {}

  /** Opens one connection per user, {@code concurrency} in flight, in user order. */
  private Connected connectAll(List<User> users, int concurrency) throws InterruptedException {
    int n = users.size();
    List<Client> clients = Collections.synchronizedList(new ArrayList<>(Collections.nCopies(n, (Client) null)));
    Histogram latency = new Histogram(1, TimeUnit.SECONDS.toMicros(120), 3);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(n);
    long t0 = System.nanoTime();
    Runnable[] startNext = new Runnable[1];
    startNext[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= n) {
        return;
      }
      long start = System.nanoTime();
      open(users.get(i), i).onComplete(ar -> {
        if (ar.succeeded()) {
          clients.set(i, ar.result());
          synchronized (latency) {
            latency.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
          }
        } else {
          failed.incrementAndGet();
          fail("connect: " + shorten(String.valueOf(ar.cause().getMessage())));
        }
        done.countDown();
        startNext[0].run();
      });
    };
    vertx.runOnContext(v -> {
      for (int k = 0; k < Math.min(concurrency, n); k++) {
        startNext[0].run();
      }
    });
    if (!done.await(600, TimeUnit.SECONDS)) {
      throw new SetupFailed("connecting did not finish in 600 s (" + (n - done.getCount()) + " of " + n + ")", null);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    List<Client> ok = new ArrayList<>();
    for (Client c : clients) {
      if (c != null) {
        ok.add(c);
      }
    }
    return new Connected(clients, failed.get(), seconds, latency);
  }

  private static String shorten(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "…" : s;
  }

  private void closeAll(List<Client> clients) {
    closingOnPurpose = true;
    for (Client c : clients) {
      if (c != null) {
        c.ws.close();
      }
    }
  }

  // ------------------------------------------------------------------ idle

  private int idle() throws Exception {
    int n = opt.connections;
    List<User> users = setupStep("registered " + n + " accounts", () -> setup.register(n, opt.setupConcurrency));
    // Workspaces of --group-size accounts (all in one by default), each with one channel for all.
    int group = opt.groupSize == 0 ? n : Math.min(opt.groupSize, n);
    int groups = (n + group - 1) / group;
    long[] lobby = new long[groups];
    setupStep(groups + " workspace(s) of up to " + group + " members, one channel each", () -> {
      long[] workspace = new long[groups];
      ChatSetup.forEach(groups, opt.setupConcurrency, g -> {
        User owner = users.get(g * group);
        workspace[g] = setup.workspace(owner, "idle " + opt.name + " " + g);
        lobby[g] = setup.channel(owner, workspace[g], "lobby");
      });
      ChatSetup.forEach(n, opt.setupConcurrency, i -> {
        if (i % group != 0) {
          User owner = users.get(i - i % group);
          setup.addToWorkspace(owner, workspace[i / group], users.get(i));
          setup.addToConversation(owner, lobby[i / group], users.get(i));
        }
      });
      return null;
    });
    result.put("groupSize", group);
    signal("registered");
    awaitSignal("go", 3600);

    Connected c = connectAll(users, opt.setupConcurrency);
    int ok = n - c.failed();
    result.put("connections", n);
    result.put("connected", ok);
    result.put("connectFailed", c.failed());
    result.put("connectSeconds", round3(c.seconds()));
    result.put("connectsPerSecond", round1(ok / c.seconds()));
    result.put("connectLatencyMs", percentiles(c.latency()));
    System.out.printf(Locale.ROOT, "idle: %d of %d connected (hello → ready) in %.2f s: %.0f connections/s; connect latency p50=%s p99=%s ms%n",
        ok, n, c.seconds(), ok / c.seconds(), percentiles(c.latency()).get("p50"), percentiles(c.latency()).get("p99"));
    signal("connected");
    boolean probesOk = true;
    if (opt.probeRounds > 0) {
      awaitSignal("probe", 600);
      probesOk = probe(c.clients(), group, lobby);
      signal("probed");
    }

    long holdUntil = System.nanoTime() + opt.hold * NS;
    while (System.nanoTime() < holdUntil && !signalled("stop")) {
      Thread.sleep(200);
    }
    result.put("closedWhileHeld", closedUnexpectedly.get());
    closeAll(c.clients());
    Thread.sleep(500);
    return c.failed() == 0 && closedUnexpectedly.get() == 0 && probesOk ? 0 : 1;
  }

  /**
   * Proves the held connections are live: {@code --probe-rounds} times, the owner of every
   * group's channel sends one message there, and every connection of the group must receive it
   * (the sender's other devices and the sender included). Reports what arrived and the latency
   * from send to delivery.
   */
  private boolean probe(List<Client> clients, int group, long[] lobby) throws InterruptedException {
    Histogram latency = new Histogram(1, TimeUnit.SECONDS.toMicros(120), 3);
    AtomicLong received = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicInteger[] perConnection = new AtomicInteger[clients.size()];
    long live = 0;
    for (int i = 0; i < clients.size(); i++) {
      Client client = clients.get(i);
      if (client == null) {
        continue;
      }
      live++;
      AtomicInteger count = perConnection[i] = new AtomicInteger();
      client.onFrame = text -> {
        if (text.startsWith("{\"type\":\"error\"")) {
          errors.incrementAndGet();
          fail("probe error frame: " + stringField(text, "code"));
          return;
        }
        int at = text.indexOf("\"body\":\"p=");
        if (at < 0 || !text.contains("\"message.created\"")) {
          return;
        }
        long now = nowMicros();
        long sentAt = Long.parseLong(text, at + 10, text.indexOf(';', at + 10), 10);
        count.incrementAndGet();
        received.incrementAndGet();
        synchronized (latency) {
          latency.recordValue(Math.max(1, Math.min(now - sentAt, latency.getHighestTrackableValue())));
        }
      };
    }
    long expected = live * opt.probeRounds;
    long t0 = System.nanoTime();
    for (int round = 0; round < opt.probeRounds; round++) {
      int r = round;
      vertx.runOnContext(v -> {
        for (int g = 0; g < lobby.length; g++) {
          Client owner = clients.get(g * group);
          if (owner != null) {
            owner.send(sendFrame("p" + r + "-" + g, lobby[g], "p=" + nowMicros() + ";round " + r, "probe-" + opt.name + "-" + g + "-" + r));
          }
        }
      });
      Thread.sleep(2_000);
    }
    long until = System.nanoTime() + 60 * NS;
    while (received.get() < expected && System.nanoTime() < until) {
      Thread.sleep(50);
    }
    long missing = 0;
    for (AtomicInteger count : perConnection) {
      if (count != null && count.get() < opt.probeRounds) {
        missing++;
      }
    }
    result.put("probeRounds", opt.probeRounds);
    result.put("probeDeliveriesExpected", expected);
    result.put("probeDeliveriesReceived", received.get());
    result.put("probeConnectionsMissingAMessage", missing);
    result.put("probeErrors", errors.get());
    result.put("probeSeconds", round3((System.nanoTime() - t0) / 1e9));
    result.put("probeLatencyMs", percentiles(latency));
    Map<?, ?> l = percentiles(latency);
    System.out.printf(Locale.ROOT, "probe: %d of %d deliveries to %d live connections (%d missed one), %d errors; send→deliver p50=%s p99=%s max=%s ms%n",
        received.get(), expected, live, missing, errors.get(), l.get("p50"), l.get("p99"), l.get("max"));
    return received.get() == expected && missing == 0 && errors.get() == 0;
  }

  private void signal(String what) throws IOException {
    if (opt.signalDir != null) {
      Files.writeString(opt.signalDir.resolve(opt.name + "." + what), Instant.now() + System.lineSeparator());
    }
  }

  private boolean signalled(String what) {
    return opt.signalDir != null && Files.exists(opt.signalDir.resolve(what));
  }

  private void awaitSignal(String what, int seconds) throws InterruptedException {
    if (opt.signalDir == null) {
      return;
    }
    long until = System.nanoTime() + seconds * NS;
    while (!signalled(what)) {
      if (System.nanoTime() > until) {
        throw new SetupFailed("no '" + what + "' signal in " + opt.signalDir + " within " + seconds + " s", null);
      }
      Thread.sleep(50);
    }
  }

  // ------------------------------------------------------------------ measured window

  /** Warm-up then measurement: {@code measuring} is true only inside the measured window. */
  private volatile boolean measuring;
  private volatile boolean stopped;
  private LoadGenerator.Snapshot cpuBefore;
  private LoadGenerator.Snapshot cpuAfter;
  private long measureStart;
  private long measureEnd;

  private void runWindow() throws InterruptedException {
    Thread.sleep(opt.warmup * 1000L);
    cpuBefore = LoadGenerator.Snapshot.take(opt.serverPid);
    measureStart = System.nanoTime();
    measuring = true;
    Thread.sleep(opt.duration * 1000L);
    measuring = false;
    measureEnd = System.nanoTime();
    cpuAfter = LoadGenerator.Snapshot.take(opt.serverPid);
  }

  /** Per second of the measured window: count and max latency (µs), when --timeline is on. */
  private final long[] perSecond = new long[302];
  private final long[] perSecondMax = new long[302];

  private void tick(long latencyMicros) {
    if (!opt.timeline) {
      return;
    }
    int second = (int) Math.min(perSecond.length - 1, Math.max(0, (System.nanoTime() - measureStart) / NS));
    synchronized (perSecond) {
      perSecond[second]++;
      perSecondMax[second] = Math.max(perSecondMax[second], latencyMicros);
    }
  }

  private void printTimeline(String what) {
    if (!opt.timeline) {
      return;
    }
    System.out.println("timeline (second: " + what + " max-ms):");
    for (int i = 0; i <= opt.duration && i < perSecond.length; i++) {
      System.out.printf(Locale.ROOT, "  %3d: %8d %9.1f%n", i, perSecond[i], perSecondMax[i] / 1000.0);
    }
  }

  private double measuredSeconds() {
    return (measureEnd - measureStart) / 1e9;
  }

  private Map<String, Object> cpu() {
    Map<String, Object> cpu = new LinkedHashMap<>();
    double wall = (cpuAfter.wallNs() - cpuBefore.wallNs()) / 1e9;
    cpu.put("generatorCores", round3((cpuAfter.selfCpuNs() - cpuBefore.selfCpuNs()) / 1e9 / wall));
    if (opt.serverPid > 0 && cpuBefore.serverTicks() >= 0 && cpuAfter.serverTicks() >= 0) {
      cpu.put("serverCores", round3((cpuAfter.serverTicks() - cpuBefore.serverTicks()) / 100.0 / wall));
    }
    if (cpuBefore.machineBusyTicks() >= 0) {
      cpu.put("machineBusyCores", round3((cpuAfter.machineBusyTicks() - cpuBefore.machineBusyTicks()) / 100.0 / wall));
    }
    return cpu;
  }

  /**
   * Sends {@code send} frames from {@code senders} at {@code rate} per second in total (open loop,
   * one 1-ms tick), round-robin over the senders; each frame is built by {@code frame(sender, intendedNanos)}.
   */
  private long openLoop(List<Client> senders, int rate, SendFrame frame) {
    long intervalNs = NS / rate;
    long t0 = System.nanoTime();
    long[] issued = {0};
    return vertx.setPeriodic(1, id -> {
      if (stopped) {
        vertx.cancelTimer(id);
        return;
      }
      long now = System.nanoTime();
      while (t0 + issued[0] * intervalNs <= now) {
        long intended = t0 + issued[0] * intervalNs;
        Client c = senders.get((int) (issued[0] % senders.size()));
        issued[0]++;
        c.send(frame.build(c, intended));
      }
    });
  }

  @FunctionalInterface
  interface SendFrame {
    String build(Client sender, long intendedNanos);
  }

  private static String sendFrame(String ref, long conversationId, String body, String clientId) {
    return "{\"type\":\"send\",\"ref\":\"" + ref + "\",\"conversationId\":\"" + conversationId + "\",\"body\":\"" + body
        + "\",\"clientId\":\"" + clientId + "\"}";
  }

  private static String padding(int bytes) {
    StringBuilder b = new StringBuilder();
    String words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ";
    while (b.length() < bytes) {
      b.append(words);
    }
    return b.substring(0, bytes);
  }

  /** The value of {@code "field":"…"} in a frame, or null; frames are our own, flat enough for this. */
  private static String stringField(String text, String field) {
    String key = "\"" + field + "\":\"";
    int i = text.indexOf(key);
    if (i < 0) {
      return null;
    }
    int from = i + key.length();
    int to = text.indexOf('"', from);
    return to < 0 ? null : text.substring(from, to);
  }

  // ------------------------------------------------------------------ ingest

  private int ingest() throws Exception {
    int s = opt.senders;
    int rooms = opt.rooms == 0 ? s : Math.min(opt.rooms, s);
    List<User> users = setupStep("registered " + s + " senders", () -> setup.register(s, opt.setupConcurrency));
    long[] roomOf = new long[s];
    setupStep(rooms + " channels for " + s + " senders", () -> {
      User owner = users.getFirst();
      long ws = setup.workspace(owner, "ingest");
      ChatSetup.forEach(s - 1, opt.setupConcurrency, i -> setup.addToWorkspace(owner, ws, users.get(i + 1)));
      long[] channel = new long[rooms];
      // Sender r creates room r; the others join the room of their index modulo rooms.
      ChatSetup.forEach(rooms, opt.setupConcurrency, r -> channel[r] = setup.channel(users.get(r), ws, "in-" + r));
      ChatSetup.forEach(s, opt.setupConcurrency, i -> {
        roomOf[i] = channel[i % rooms];
        if (i >= rooms) {
          setup.addToConversation(users.get(i % rooms), roomOf[i], users.get(i));
        }
      });
      return null;
    });
    Connected c = setupStep("connected " + s + " senders", () -> {
      try {
        return connectAll(users, opt.setupConcurrency);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    if (c.failed() > 0) {
      throw new SetupFailed(c.failed() + " senders could not connect", null);
    }
    List<Client> senders = c.clients();
    Map<Client, Long> roomOfSender = new java.util.HashMap<>();
    for (int i = 0; i < s; i++) {
      roomOfSender.put(senders.get(i), roomOf[i]);
    }

    Histogram ack = new Histogram(1, TimeUnit.SECONDS.toMicros(120), 3);
    AtomicLong acked = new AtomicLong();
    AtomicLong replayed = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong deliveries = new AtomicLong();
    AtomicLong sent = new AtomicLong();
    AtomicLong answered = new AtomicLong();
    String body = padding(opt.bodyBytes);
    AtomicLong clientIds = new AtomicLong();
    boolean closed = opt.rate == 0;
    // Closed loop: each answer triggers the next send on that connection.
    SendFrame frame = (sender, intended) -> {
      sent.incrementAndGet();
      return sendFrame(Long.toString(intended), roomOfSender.get(sender), body, "c" + clientIds.incrementAndGet());
    };
    for (Client sender : senders) {
      sender.onFrame = text -> {
        if (text.startsWith("{\"type\":\"ack\"")) {
          long now = System.nanoTime();
          answered.incrementAndGet();
          long intended = Long.parseLong(stringField(text, "ref"));
          if (measuring) {
            acked.incrementAndGet();
            if (text.contains("\"replayed\":true")) {
              replayed.incrementAndGet();
            }
            synchronized (ack) {
              ack.recordValue(Math.max(1, Math.min((now - intended) / 1000, ack.getHighestTrackableValue())));
            }
            tick((now - intended) / 1000);
          }
          if (closed && !stopped) {
            sender.send(frame.build(sender, System.nanoTime()));
          }
        } else if (text.startsWith("{\"type\":\"error\"")) {
          answered.incrementAndGet();
          if (measuring) {
            errors.incrementAndGet();
          }
          fail("error frame: " + stringField(text, "code"));
          if (closed && !stopped) {
            // Refused (e.g. rate-limited): try again a little later rather than spinning.
            vertx.setTimer(50, id -> sender.send(frame.build(sender, System.nanoTime())));
          }
        } else if (text.contains("\"message.created\"")) {
          if (measuring) {
            deliveries.incrementAndGet();
          }
        }
      };
    }
    Map<String, Object> dbBefore = null;
    if (closed) {
      vertx.runOnContext(v -> {
        for (Client sender : senders) {
          for (int k = 0; k < opt.inFlight; k++) {
            sender.send(frame.build(sender, System.nanoTime()));
          }
        }
      });
    } else {
      openLoop(senders, opt.rate, frame);
    }
    runWindow();
    stopped = true;
    drain(sent, answered, 10);

    double secs = measuredSeconds();
    result.put("senders", s);
    result.put("rooms", rooms);
    result.put("loop", closed ? "closed, " + opt.inFlight + " in flight per connection" : "open, " + opt.rate + "/s");
    result.put("bodyBytes", opt.bodyBytes);
    result.put("warmupSeconds", opt.warmup);
    result.put("measuredSeconds", round3(secs));
    result.put("acked", acked.get());
    result.put("ackedPerSecond", round1(acked.get() / secs));
    result.put("replayed", replayed.get());
    result.put("errors", errors.get());
    result.put("echoDeliveriesPerSecond", round1(deliveries.get() / secs));
    result.put("unanswered", sent.get() - answered.get());
    result.put("ackLatencyMs", percentiles(ack));
    result.put("cpu", cpu());
    Map<?, ?> l = (Map<?, ?>) result.get("ackLatencyMs");
    System.out.printf(Locale.ROOT, "ingest: %.1f acked msgs/s over %.1f s (%d errors, %d unanswered); ack latency p50=%s p90=%s p99=%s p99.9=%s max=%s ms; cpu %s%n",
        acked.get() / secs, secs, errors.get(), sent.get() - answered.get(), l.get("p50"), l.get("p90"), l.get("p99"), l.get("p999"),
        l.get("max"), result.get("cpu"));
    printTimeline("acked");
    closeAll(senders);
    return errors.get() == 0 && sent.get() == answered.get() && closedUnexpectedly.get() == 0 ? 0 : 1;
  }

  /** Waits up to {@code seconds} for every sent frame to be answered. */
  private static void drain(AtomicLong sent, AtomicLong answered, int seconds) throws InterruptedException {
    long until = System.nanoTime() + seconds * NS;
    while (answered.get() < sent.get() && System.nanoTime() < until) {
      Thread.sleep(20);
    }
  }

  // ------------------------------------------------------------------ fan-out

  private int fanout() throws Exception {
    int m = opt.members;
    int k = opt.rooms;
    int n = m * k;
    List<User> users = setupStep("registered " + n + " accounts", () -> setup.register(n, opt.setupConcurrency));
    long[] room = new long[k];
    setupStep(k + " rooms of " + m + " members", () -> {
      User owner = users.getFirst();
      long ws = setup.workspace(owner, "fanout");
      ChatSetup.forEach(n - 1, opt.setupConcurrency, i -> setup.addToWorkspace(owner, ws, users.get(i + 1)));
      ChatSetup.forEach(k, Math.max(1, Math.min(k, opt.setupConcurrency)), r -> room[r] = setup.channel(users.get(r * m), ws, "room-" + r));
      ChatSetup.forEach(n, opt.setupConcurrency, i -> {
        if (i % m != 0) {
          setup.addToConversation(users.get(i - i % m), room[i / m], users.get(i));
        }
      });
      return null;
    });
    // Member j of room r on node (r + j) mod N: every room spans the nodes, and its senders
    // (members 0..s-1) are spread over them, as in a real cluster where each node takes sends.
    nodeOf = opt.sendersOnFirstNode ? i -> i % m : i -> i % m + i / m;
    Connected c = setupStep("connected " + n + " members", () -> {
      try {
        return connectAll(users, opt.setupConcurrency);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    if (c.failed() > 0) {
      throw new SetupFailed(c.failed() + " members could not connect", null);
    }
    List<Client> clients = c.clients();
    List<Client> senders = new ArrayList<>();
    Map<Client, Long> roomOfSender = new java.util.HashMap<>();
    // Senders interleaved across rooms, so round-robin spreads the rate evenly over the rooms.
    for (int s = 0; s < opt.sendersPerRoom; s++) {
      for (int r = 0; r < k; r++) {
        Client sender = clients.get(r * m + s);
        senders.add(sender);
        roomOfSender.put(sender, room[r]);
      }
    }

    Histogram delivery = new Histogram(1, TimeUnit.SECONDS.toMicros(120), 3);
    // With --ws-urls: deliveries to a connection on another node than the sender's (they crossed
    // the bus between nodes) and on the same node, apart.
    Histogram crossNode = new Histogram(1, TimeUnit.SECONDS.toMicros(120), 3);
    Histogram sameNode = new Histogram(1, TimeUnit.SECONDS.toMicros(120), 3);
    Histogram ack = new Histogram(1, TimeUnit.SECONDS.toMicros(120), 3);
    AtomicLong delivered = new AtomicLong();
    AtomicLong deliveredCross = new AtomicLong();
    AtomicLong deliveredTotal = new AtomicLong();
    AtomicLong ackedTotal = new AtomicLong();
    AtomicLong acked = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong sent = new AtomicLong();
    AtomicLong answered = new AtomicLong();
    AtomicLong clientIds = new AtomicLong();
    String pad = padding(Math.max(0, opt.bodyBytes - 24));
    boolean nodesApart = opt.wsUrls.size() > 1;
    java.util.function.Function<Client, FrameHandler> receiverFor = client -> text -> {
      if (!text.contains("\"message.created\"")) {
        return;
      }
      int i = text.indexOf("\"body\":\"t=");
      if (i < 0) {
        return;
      }
      long now = nowMicros();
      int from = i + 10;
      int to = text.indexOf(';', from);
      long sentAt = Long.parseLong(text, from, to, 10);
      int senderNode = text.charAt(to + 3) - '0';
      deliveredTotal.incrementAndGet();
      if (measuring) {
        long latency = Math.max(1, Math.min(now - sentAt, delivery.getHighestTrackableValue()));
        delivered.incrementAndGet();
        synchronized (delivery) {
          delivery.recordValue(latency);
        }
        if (nodesApart) {
          boolean cross = senderNode != client.node;
          if (cross) {
            deliveredCross.incrementAndGet();
          }
          Histogram h = cross ? crossNode : sameNode;
          synchronized (h) {
            h.recordValue(latency);
          }
        }
        tick(now - sentAt);
      }
    };
    for (Client client : clients) {
      client.onFrame = receiverFor.apply(client);
    }
    for (Client sender : senders) {
      FrameHandler receiver = sender.onFrame;
      sender.onFrame = text -> {
        if (text.startsWith("{\"type\":\"ack\"")) {
          long now = System.nanoTime();
          answered.incrementAndGet();
          ackedTotal.incrementAndGet();
          if (measuring) {
            acked.incrementAndGet();
            long intended = Long.parseLong(stringField(text, "ref"));
            synchronized (ack) {
              ack.recordValue(Math.max(1, Math.min((now - intended) / 1000, ack.getHighestTrackableValue())));
            }
          }
        } else if (text.startsWith("{\"type\":\"error\"")) {
          answered.incrementAndGet();
          errors.incrementAndGet();
          fail("error frame: " + stringField(text, "code"));
        } else {
          receiver.frame(text);
        }
      };
    }
    SendFrame frame = (sender, intended) -> {
      sent.incrementAndGet();
      // The send time goes in the body, on the clock every process of this machine shares, and
      // the sender's node (one digit: at most ten nodes are told apart).
      long intendedMicros = nowMicros() - (System.nanoTime() - intended) / 1000;
      return sendFrame(Long.toString(intended), roomOfSender.get(sender), "t=" + intendedMicros + ";n=" + Math.min(9, sender.node) + ";" + pad,
          "f" + clientIds.incrementAndGet());
    };
    openLoop(senders, opt.rate, frame);
    runWindow();
    stopped = true;
    drain(sent, answered, 10);
    // Deliveries of the last messages may still be on their way.
    long expected = ackedTotal.get() * m;
    long until = System.nanoTime() + 10 * NS;
    while (deliveredTotal.get() < expected && System.nanoTime() < until) {
      Thread.sleep(20);
    }

    double secs = measuredSeconds();
    result.put("members", m);
    result.put("rooms", k);
    result.put("connections", n);
    result.put("senders", senders.size());
    result.put("targetMessagesPerSecond", opt.rate);
    result.put("warmupSeconds", opt.warmup);
    result.put("measuredSeconds", round3(secs));
    result.put("ackedPerSecond", round1(acked.get() / secs));
    result.put("deliveriesPerSecond", round1(delivered.get() / secs));
    result.put("deliveryLatencyMs", percentiles(delivery));
    if (nodesApart) {
      result.put("nodes", opt.wsUrls.size());
      result.put("crossNodeDeliveriesPerSecond", round1(deliveredCross.get() / secs));
      result.put("crossNodeDeliveryLatencyMs", percentiles(crossNode));
      result.put("sameNodeDeliveryLatencyMs", percentiles(sameNode));
    }
    result.put("ackLatencyMs", percentiles(ack));
    result.put("errors", errors.get());
    result.put("deliveriesExpected", expected);
    result.put("deliveriesReceived", deliveredTotal.get());
    result.put("closedByServer", closedUnexpectedly.get());
    result.put("cpu", cpu());
    Map<?, ?> l = (Map<?, ?>) result.get("deliveryLatencyMs");
    System.out.printf(Locale.ROOT, "fanout: rooms of %d ×%d: %.1f msgs/s acked, %.1f deliveries/s; send→deliver p50=%s p90=%s p99=%s p99.9=%s max=%s ms;"
            + " %d of %d deliveries, %d closed; cpu %s%n", m, k, acked.get() / secs, delivered.get() / secs, l.get("p50"), l.get("p90"),
        l.get("p99"), l.get("p999"), l.get("max"), deliveredTotal.get(), expected, closedUnexpectedly.get(), result.get("cpu"));
    if (nodesApart) {
      Map<?, ?> x = (Map<?, ?>) result.get("crossNodeDeliveryLatencyMs");
      Map<?, ?> y = (Map<?, ?>) result.get("sameNodeDeliveryLatencyMs");
      System.out.printf(Locale.ROOT, "fanout: across %d nodes: %.1f cross-node deliveries/s, p50=%s p99=%s p99.9=%s max=%s ms; same node p50=%s p99=%s ms%n",
          opt.wsUrls.size(), deliveredCross.get() / secs, x.get("p50"), x.get("p99"), x.get("p999"), x.get("max"), y.get("p50"), y.get("p99"));
    }
    printTimeline("deliveries");
    closeAll(clients);
    return errors.get() == 0 && deliveredTotal.get() == expected && closedUnexpectedly.get() == 0 ? 0 : 1;
  }

  // ------------------------------------------------------------------ history

  private int history() throws Exception {
    int readers = opt.readers;
    int convs = opt.conversations;
    int perConversation = opt.messages;
    // One writer account (several connections) plus the readers.
    List<User> users = setupStep("registered " + (readers + 1) + " accounts", () -> setup.register(readers + 1, opt.setupConcurrency));
    User owner = users.getFirst();
    long[] channel = new long[convs];
    setupStep(convs + " channels with " + readers + " readers each", () -> {
      long ws = setup.workspace(owner, "history");
      ChatSetup.forEach(readers, opt.setupConcurrency, i -> setup.addToWorkspace(owner, ws, users.get(i + 1)));
      ChatSetup.forEach(convs, opt.setupConcurrency, r -> channel[r] = setup.channel(owner, ws, "h-" + r));
      ChatSetup.forEach(convs * readers, opt.setupConcurrency,
          i -> setup.addToConversation(owner, channel[i / readers], users.get(1 + i % readers)));
      return null;
    });
    // Fill the channels over WebSocket: one connection per channel, each sending in a closed loop.
    int writers = Math.min(convs, 50);
    Connected w = connectAll(Collections.nCopies(writers, owner), opt.setupConcurrency);
    if (w.failed() > 0) {
      throw new SetupFailed("writer connections failed", null);
    }
    setupStep("sent " + perConversation + " messages to each of " + convs + " channels", () -> {
      fill(w.clients(), channel, perConversation);
      return null;
    });

    // The reads: newest page (no "before") or one of the older pages, uniformly.
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    Histogram latency = new Histogram(1, TimeUnit.SECONDS.toMicros(120), 3);
    List<String> bearer = new ArrayList<>();
    for (User u : users.subList(1, users.size())) {
      bearer.add("Bearer " + u.token());
    }
    AtomicLong writeSent = new AtomicLong();
    AtomicLong writeAnswered = new AtomicLong();
    if (opt.writeRate > 0) {
      AtomicLong ids = new AtomicLong();
      String pad = padding(opt.bodyBytes);
      for (Client c : w.clients()) {
        c.onFrame = text -> {
          if (text.startsWith("{\"type\":\"ack\"") || text.startsWith("{\"type\":\"error\"")) {
            writeAnswered.incrementAndGet();
          }
        };
      }
      openLoop(w.clients(), opt.writeRate, (sender, intended) -> {
        writeSent.incrementAndGet();
        return sendFrame("w", channel[ThreadLocalRandom.current().nextInt(convs)], pad, "hw" + ids.incrementAndGet());
      });
    }
    for (int r = 0; r < readers; r++) {
      String auth = bearer.get(r);
      vertx.runOnContext(v -> readLoop(auth, channel, perConversation, ok, errors, latency));
    }
    Thread.sleep(opt.warmup * 1000L);
    String before = setup.metrics();
    cpuBefore = LoadGenerator.Snapshot.take(opt.serverPid);
    measureStart = System.nanoTime();
    measuring = true;
    Thread.sleep(opt.duration * 1000L);
    measuring = false;
    measureEnd = System.nanoTime();
    cpuAfter = LoadGenerator.Snapshot.take(opt.serverPid);
    String after = setup.metrics();
    stopped = true;
    Thread.sleep(500);

    double hits = ChatSetup.counter(after, "cache_gets_total", "cache=\"chat-messages\"", "result=\"hit\"")
        - ChatSetup.counter(before, "cache_gets_total", "cache=\"chat-messages\"", "result=\"hit\"");
    double misses = ChatSetup.counter(after, "cache_gets_total", "cache=\"chat-messages\"", "result=\"miss\"")
        - ChatSetup.counter(before, "cache_gets_total", "cache=\"chat-messages\"", "result=\"miss\"");
    double secs = measuredSeconds();
    result.put("readers", readers);
    result.put("conversations", convs);
    result.put("messagesPerConversation", perConversation);
    result.put("pages", opt.pages);
    result.put("latestShare", opt.latestShare);
    result.put("writeRate", opt.writeRate);
    result.put("warmupSeconds", opt.warmup);
    result.put("measuredSeconds", round3(secs));
    result.put("reads", ok.get());
    result.put("readsPerSecond", round1(ok.get() / secs));
    result.put("errors", errors.get());
    result.put("latencyMs", percentiles(latency));
    result.put("cacheHits", (long) hits);
    result.put("cacheMisses", (long) misses);
    result.put("cacheHitRate", hits + misses == 0 ? null : round3(hits / (hits + misses)));
    result.put("cpu", cpu());
    Map<?, ?> l = (Map<?, ?>) result.get("latencyMs");
    System.out.printf(Locale.ROOT, "history: %.1f reads/s (%d errors); latency p50=%s p90=%s p99=%s max=%s ms; chat-messages hit rate %.4f (%d hits, %d misses); cpu %s%n",
        ok.get() / secs, errors.get(), l.get("p50"), l.get("p90"), l.get("p99"), l.get("max"), hits / Math.max(1, hits + misses),
        (long) hits, (long) misses, result.get("cpu"));
    closeAll(w.clients());
    return errors.get() == 0 ? 0 : 1;
  }

  /** Sends {@code each} messages to every channel, one writer connection per group of channels, closed loop. */
  private void fill(List<Client> writers, long[] channels, int each) {
    int total = channels.length * each;
    AtomicLong acked = new AtomicLong();
    AtomicLong next = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    String body = padding(opt.bodyBytes);
    for (Client c : writers) {
      c.onFrame = text -> {
        boolean error = text.startsWith("{\"type\":\"error\"");
        if (error && "rate-limited".equals(stringField(text, "code"))) {
          // The per-connection frame rate (realtime.frame-rate) refused it: send the same message
          // again a little later, so every channel really holds its share.
          long i = Long.parseLong(stringField(text, "ref").substring(1));
          vertx.setTimer(100, t -> sendFill(c, i, channels, body));
          return;
        }
        if (error) {
          fail("fill: " + stringField(text, "code"));
        }
        if (text.startsWith("{\"type\":\"ack\"") || error) {
          if (acked.incrementAndGet() == total) {
            done.countDown();
          }
          sendNext(c, next, total, channels, body);
        }
      };
    }
    vertx.runOnContext(v -> {
      for (Client c : writers) {
        for (int k = 0; k < 8; k++) {
          sendNext(c, next, total, channels, body);
        }
      }
    });
    try {
      if (!done.await(600, TimeUnit.SECONDS)) {
        throw new IllegalStateException("filling did not finish: " + acked.get() + " of " + total);
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sendNext(Client c, AtomicLong next, int total, long[] channels, String body) {
    long i = next.getAndIncrement();
    if (i < total) {
      sendFill(c, i, channels, body);
    }
  }

  /** Fill message {@code i}: its channel by index, so each channel gets exactly its share; its ref names it for a resend. */
  private static void sendFill(Client c, long i, long[] channels, String body) {
    c.send(sendFrame("f" + i, channels[(int) (i % channels.length)], body, "fill-" + i));
  }

  private void readLoop(String auth, long[] channels, int perConversation, AtomicLong ok, AtomicLong errors, Histogram latency) {
    if (stopped) {
      return;
    }
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    long channel = channels[rnd.nextInt(channels.length)];
    String uri = "/api/v1/conversations/" + channel + "/messages?limit=50";
    if (opt.pages > 1 && rnd.nextDouble() >= opt.latestShare) {
      int page = 1 + rnd.nextInt(opt.pages - 1);
      uri += "&before=" + Math.max(1, perConversation + 1 - 50L * page);
    }
    long start = System.nanoTime();
    RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setURI(uri).putHeader("Authorization", auth);
    http.request(ro).compose(req -> req.send()).compose(res -> res.body().map(b -> res.statusCode())).onComplete(ar -> {
      long end = System.nanoTime();
      if (measuring) {
        if (ar.succeeded() && ar.result() == 200) {
          ok.incrementAndGet();
          synchronized (latency) {
            latency.recordValue(Math.max(1, Math.min((end - start) / 1000, latency.getHighestTrackableValue())));
          }
        } else {
          errors.incrementAndGet();
          fail(ar.succeeded() ? "HTTP " + ar.result() : ar.cause().getClass().getSimpleName());
        }
      }
      readLoop(auth, channels, perConversation, ok, errors, latency);
    });
  }
}
