package io.ultrachat.bench;

import static io.ultrachat.bench.Stats.ms;
import static io.ultrachat.bench.Stats.percentiles;
import static io.ultrachat.bench.Stats.round1;
import static io.ultrachat.bench.Stats.round3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * HTTP load generator for a running UltraChat server on this machine.
 *
 * <p>Scenarios:
 * <ul>
 *   <li>{@code ping}: registers {@code --users} accounts, then sends {@code GET /api/v1/ping}
 *       with their access tokens (round-robin) — the authenticated no-op.</li>
 *   <li>{@code login}: registers the accounts, then {@code POST /api/v1/auth/login} with them
 *       (Argon2id verification at the server's configured cost).</li>
 *   <li>{@code refresh}: registers the accounts, then {@code POST /api/v1/auth/refresh};
 *       each connection slot owns its accounts and always stores the returned refresh token,
 *       so no refresh token is ever presented twice concurrently.</li>
 * </ul>
 *
 * <p>Model: {@code --connections} keep-alive HTTP/1.1 connections. By default closed-loop
 * (each connection sends its next request when the previous answer has arrived; latency is
 * send→last byte). With {@code --rate R} it is open-loop at R requests/s and latency is
 * measured from each request's <em>intended</em> send time, so queueing is not hidden
 * (coordinated-omission corrected). Latencies go into an HdrHistogram (1 µs … 60 s, 3
 * significant digits); only answers that complete inside the measured window count.
 *
 * <p>Safety bounds: the target must be a loopback address (127.0.0.0/8, ::1, localhost);
 * durations, users, connections and the total number of requests are capped; a watchdog ends
 * the process if it overruns. The generator starts no process.
 *
 * <p>Usage: {@code java -cp ultrachat-bench.jar io.ultrachat.bench.LoadGenerator --help}
 */
public final class LoadGenerator {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "bench-password-1234";
  private static final long NS = 1_000_000_000L;

  private static final String USAGE = """
      Usage: LoadGenerator --scenario ping|login|refresh [options]
        --url URL             server base URL, loopback only (default http://127.0.0.1:8080)
        --users N             accounts registered up front (default 64; 1..10000)
        --connections C       concurrent keep-alive connections (default 64; 1..1024)
        --warmup S            seconds of warm-up, not measured (default 5; 0..600)
        --duration S          measured seconds (default 20; 1..300)
        --rate R              open-loop target requests/s (default 0 = closed loop)
        --max-requests N      stop after N requests in total (default 50000000)
        --setup-concurrency K concurrent registrations during setup (default 2)
        --event-loops L       generator event loops (default 1)
        --server-pid PID      report that process's CPU time over the measured window (/proc)
        --out FILE            append the result as one JSON line to FILE
        --label TEXT          free text stored with the JSON result (run.sh puts the backend and server JVM options here)
        --timeline            also print, per second of the measured window, answers and max latency
      Exit code: 0 when every measured request succeeded, 1 when some failed, 2 on bad usage or setup failure.
      """;

  // ---------------------------------------------------------------- options

  record Options(String scenario, URI url, int users, int connections, int warmupSeconds, int durationSeconds, int rate,
      long maxRequests, int setupConcurrency, int eventLoops, long serverPid, Path out, boolean timeline, String label) {

    static Options parse(String[] args) {
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--help") || a.equals("-h")) {
          throw new Usage(null);
        }
        if (a.equals("--timeline")) {
          m.put("timeline", "true");
          continue;
        }
        if (!a.startsWith("--")) {
          throw new Usage("unexpected argument: " + a);
        }
        String key = a.substring(2);
        String value;
        int eq = key.indexOf('=');
        if (eq >= 0) {
          value = key.substring(eq + 1);
          key = key.substring(0, eq);
        } else {
          if (i + 1 >= args.length) {
            throw new Usage("missing value for --" + key);
          }
          value = args[++i];
        }
        m.put(key, value);
      }
      String scenario = take(m, "scenario", null);
      if (scenario == null || !List.of("ping", "login", "refresh").contains(scenario)) {
        throw new Usage("--scenario must be ping, login or refresh");
      }
      URI url = URI.create(take(m, "url", "http://127.0.0.1:8080"));
      requireLoopback(url);
      Options o = new Options(scenario, url,
          range(m, "users", 64, 1, 10_000),
          range(m, "connections", 64, 1, 1024),
          range(m, "warmup", 5, 0, 600),
          range(m, "duration", 20, 1, 300),
          range(m, "rate", 0, 0, 1_000_000),
          Long.parseLong(take(m, "max-requests", "50000000")),
          range(m, "setup-concurrency", 2, 1, 64),
          range(m, "event-loops", 1, 1, 16),
          Long.parseLong(take(m, "server-pid", "0")),
          m.containsKey("out") ? Path.of(take(m, "out", null)) : null,
          Boolean.parseBoolean(take(m, "timeline", "false")),
          take(m, "label", ""));
      if (!m.isEmpty()) {
        throw new Usage("unknown option(s): " + m.keySet());
      }
      if (o.scenario.equals("refresh") && o.rate == 0 && o.users < o.connections) {
        throw new Usage("refresh needs --users >= --connections, so that no two connections share a refresh token");
      }
      if (o.maxRequests < 1 || o.maxRequests > 500_000_000L) {
        throw new Usage("--max-requests must be 1..500000000");
      }
      return o;
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
        throw new Usage("--" + key + " must be an integer");
      }
      if (v < min || v > max) {
        throw new Usage("--" + key + " must be between " + min + " and " + max);
      }
      return v;
    }

    private static void requireLoopback(URI url) {
      if (!"http".equals(url.getScheme()) || url.getHost() == null) {
        throw new Usage("--url must be http://HOST:PORT with a loopback host");
      }
      String host = url.getHost();
      boolean loopback;
      try {
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] all = InetAddress.getAllByName(bare);
        loopback = all.length > 0;
        for (InetAddress a : all) {
          loopback &= a.isLoopbackAddress();
        }
      } catch (IOException e) {
        loopback = false;
      }
      if (!loopback) {
        throw new Usage("refusing to send load to " + host + ": only loopback addresses (127.0.0.0/8, ::1, localhost) are allowed");
      }
    }

    int port() {
      return url.getPort() > 0 ? url.getPort() : 80;
    }

    String host() {
      String h = url.getHost();
      return h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
    }
  }

  static final class Usage extends RuntimeException {
    Usage(String message) {
      super(message);
    }
  }

  // ---------------------------------------------------------------- state

  /** One registered account; fields are touched only on the generator's event loop. */
  static final class Account {
    final String username;
    String bearer;
    String refreshToken;

    Account(String username, String accessToken, String refreshToken) {
      this.username = username;
      this.bearer = "Bearer " + accessToken;
      this.refreshToken = refreshToken;
    }
  }

  private enum Phase { SETUP, WARMUP, MEASURE, DONE }

  private final Options opt;
  private final Vertx vertx;
  private final HttpClientAgent client;
  private final List<Account> accounts = new ArrayList<>();
  private final Histogram latency = new Histogram(1, TimeUnit.SECONDS.toMicros(60), 3);
  /** Open loop only: from the actual send, i.e. without the generator's own queueing/tick delay. */
  private final Histogram service = new Histogram(1, TimeUnit.SECONDS.toMicros(60), 3);
  private final Map<String, Long> failures = new TreeMap<>();
  /** Per second of the measured window: answers counted, failures, max latency (µs). */
  private long[] perSecondOk = new long[0];
  private long[] perSecondFailed = new long[0];
  private long[] perSecondMaxMicros = new long[0];
  private volatile Phase phase = Phase.SETUP;
  private long measureStart;
  private long measureEnd;
  private long ok;
  private long failed;
  private long sent;
  private long inFlight;
  private long notSent;
  private int roundRobin;
  private Snapshot cpuBefore;
  private Snapshot cpuAfter;
  private final Promise<Void> drained = Promise.promise();

  private LoadGenerator(Options opt) {
    this.opt = opt;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(opt.eventLoops).setWorkerPoolSize(2)
        .setInternalBlockingPoolSize(2).setPreferNativeTransport(false));
    this.client = vertx.httpClientBuilder()
        .with(new HttpClientOptions()
            .setDefaultHost(opt.host())
            .setDefaultPort(opt.port())
            .setKeepAlive(true)
            .setTcpNoDelay(true)
            .setConnectTimeout(5000)
            .setIdleTimeout(60))
        .with(new PoolOptions().setHttp1MaxSize(Math.max(opt.connections, opt.setupConcurrency)).setMaxWaitQueueSize(-1))
        .build();
  }

  public static void main(String[] args) throws Exception {
    Options opt;
    try {
      opt = Options.parse(args);
    } catch (Usage u) {
      if (u.getMessage() != null) {
        System.err.println("error: " + u.getMessage());
      }
      System.err.print(USAGE);
      System.exit(u.getMessage() == null ? 0 : 2);
      return;
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    startWatchdog(opt);
    LoadGenerator gen = new LoadGenerator(opt);
    int code;
    try {
      code = gen.run();
    } finally {
      gen.client.close().await(10, TimeUnit.SECONDS);
      gen.vertx.close().await(10, TimeUnit.SECONDS);
    }
    System.exit(code);
  }

  /** Ends the process if setup plus the run overrun their bound by a wide margin. */
  private static void startWatchdog(Options opt) {
    // Setup: registrations cost one Argon2id hash each (tens of ms); allow 1 s per user on top.
    long limitSeconds = 120L + opt.users + opt.warmupSeconds + opt.durationSeconds;
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(TimeUnit.SECONDS.toMillis(limitSeconds));
        System.err.println("watchdog: the run exceeded " + limitSeconds + " s; exiting");
        Runtime.getRuntime().halt(3);
      } catch (InterruptedException ignored) {
        // normal end
      }
    }, "watchdog");
    t.setDaemon(true);
    t.start();
  }

  private int run() throws Exception {
    System.out.printf(Locale.ROOT, "scenario=%s url=%s users=%d connections=%d warmup=%ds duration=%ds mode=%s%n",
        opt.scenario, opt.url, opt.users, opt.connections, opt.warmupSeconds, opt.durationSeconds,
        opt.rate > 0 ? "open-loop " + opt.rate + "/s" : "closed-loop");
    long t0 = System.nanoTime();
    try {
      register().await(120L + opt.users, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("setup failed: " + e.getMessage());
      return 2;
    }
    System.out.printf(Locale.ROOT, "setup: registered %d accounts in %.1f s%n", accounts.size(), (System.nanoTime() - t0) / 1e9);

    CountDownLatch done = new CountDownLatch(1);
    vertx.runOnContext(v -> start());
    drained.future().onComplete(ar -> done.countDown());
    if (!done.await(opt.warmupSeconds + opt.durationSeconds + 60L, TimeUnit.SECONDS)) {
      System.err.println("the run did not drain in time");
    }
    return report();
  }

  // ---------------------------------------------------------------- setup

  private Future<Void> register() {
    String tag = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36, 36L * 36 * 36 * 36 * 36 * 36), 36);
    Promise<Void> all = Promise.promise();
    int[] next = {0};
    int[] running = {0};
    vertx.runOnContext(v -> {
      for (int w = 0; w < opt.setupConcurrency; w++) {
        running[0]++;
        registerNext(tag, next, running, all);
      }
    });
    return all.future();
  }

  private void registerNext(String tag, int[] next, int[] running, Promise<Void> all) {
    if (all.future().isComplete()) {
      return;
    }
    if (next[0] >= opt.users) {
      if (--running[0] == 0) {
        all.tryComplete();
      }
      return;
    }
    int i = next[0]++;
    String username = "bench-" + tag + "-" + i;
    Buffer body = json(Map.of("username", username, "password", PASSWORD));
    post("/api/v1/auth/register", body).onComplete(ar -> {
      if (ar.failed()) {
        all.tryFail("registering " + username + ": " + ar.cause());
        return;
      }
      Reply r = ar.result();
      if (r.status != 201) {
        String hint = r.status == 429 ? " (raise rate-limit.auth.requests on the server)" : "";
        all.tryFail("registering " + username + " returned HTTP " + r.status + hint + ": " + r.body);
        return;
      }
      JsonNode n = parse(r.body);
      accounts.add(new Account(username, n.path("accessToken").asText(), n.path("refreshToken").asText()));
      registerNext(tag, next, running, all);
    });
  }

  // ---------------------------------------------------------------- the run

  private void start() {
    long now = System.nanoTime();
    phase = Phase.WARMUP;
    if (opt.warmupSeconds > 0) {
      vertx.setTimer(opt.warmupSeconds * 1000L, id -> beginMeasure());
    } else {
      beginMeasure();
    }
    vertx.setTimer((opt.warmupSeconds + opt.durationSeconds) * 1000L, id -> endMeasure());
    if (opt.rate > 0) {
      openLoop(now);
    } else {
      for (int slot = 0; slot < opt.connections; slot++) {
        closedLoop(slot);
      }
    }
  }

  private void beginMeasure() {
    cpuBefore = Snapshot.take(opt.serverPid);
    measureStart = System.nanoTime();
    int slots = opt.durationSeconds + 2;
    perSecondOk = new long[slots];
    perSecondFailed = new long[slots];
    perSecondMaxMicros = new long[slots];
    phase = Phase.MEASURE;
  }

  private void endMeasure() {
    measureEnd = System.nanoTime();
    cpuAfter = Snapshot.take(opt.serverPid);
    phase = Phase.DONE;
    checkDrained();
    // Answers still outstanding after 10 s are abandoned (and reported as such).
    vertx.setTimer(10_000, id -> drained.tryComplete());
  }

  private void checkDrained() {
    if (phase == Phase.DONE && inFlight == 0) {
      drained.tryComplete();
    }
  }

  private void closedLoop(int slot) {
    if (phase == Phase.DONE || sent >= opt.maxRequests) {
      checkDrained();
      return;
    }
    long start = System.nanoTime();
    issue(slot, start).onComplete(ar -> closedLoop(slot));
  }

  private void openLoop(long t0) {
    long intervalNs = NS / opt.rate;
    long[] issued = {0};
    long maxInFlight = Math.max(1000, opt.connections * 16L);
    vertx.setPeriodic(1, id -> {
      if (phase == Phase.DONE || sent >= opt.maxRequests) {
        vertx.cancelTimer(id);
        checkDrained();
        return;
      }
      long now = System.nanoTime();
      while (t0 + issued[0] * intervalNs <= now) {
        long intended = t0 + issued[0] * intervalNs;
        int slot = (int) (issued[0] % opt.connections);
        issued[0]++;
        if (inFlight >= maxInFlight) {
          if (phase == Phase.MEASURE) {
            notSent++;
          }
          continue;
        }
        issue(slot, intended);
      }
    });
  }

  /** Sends one request of the scenario; records its outcome; completes when it is answered. */
  private Future<Void> issue(int slot, long start) {
    long sentAt = System.nanoTime();
    sent++;
    inFlight++;
    Future<Reply> call = switch (opt.scenario) {
      case "ping" -> ping();
      case "login" -> login();
      case "refresh" -> refresh(slot);
      default -> throw new IllegalStateException(opt.scenario);
    };
    return call.transform(ar -> {
      long end = System.nanoTime();
      inFlight--;
      // Counted: answers that arrive inside the measured window (between the two timers).
      boolean counted = phase == Phase.MEASURE;
      int second = counted ? (int) Math.min(perSecondOk.length - 1, (end - measureStart) / NS) : 0;
      if (ar.succeeded() && ar.result().status == expectedStatus()) {
        if (counted) {
          ok++;
          perSecondOk[second]++;
          perSecondMaxMicros[second] = Math.max(perSecondMaxMicros[second], (end - start) / 1000);
          latency.recordValue(Math.max(1, Math.min((end - start) / 1000, latency.getHighestTrackableValue())));
          service.recordValue(Math.max(1, Math.min((end - sentAt) / 1000, service.getHighestTrackableValue())));
        }
      } else if (counted) {
        failed++;
        perSecondFailed[second]++;
        String key = ar.succeeded() ? "HTTP " + ar.result().status + " " + code(ar.result().body)
            : ar.cause().getClass().getSimpleName();
        failures.merge(key, 1L, Long::sum);
      }
      checkDrained();
      if (ar.failed()) {
        // Connection-level failure: back off a little instead of spinning.
        Promise<Void> p = Promise.promise();
        vertx.setTimer(10, id -> p.complete());
        return p.future();
      }
      return Future.succeededFuture();
    });
  }

  private int expectedStatus() {
    return 200;
  }

  private Future<Reply> ping() {
    Account a = accounts.get(roundRobin++ % accounts.size());
    if (roundRobin >= accounts.size()) {
      roundRobin = 0;
    }
    RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setURI("/api/v1/ping")
        .putHeader("Authorization", a.bearer);
    return client.request(ro).compose(req -> req.send()).compose(res -> res.body().map(b -> new Reply(res.statusCode(), b)));
  }

  private Future<Reply> login() {
    Account a = accounts.get(ThreadLocalRandom.current().nextInt(accounts.size()));
    return post("/api/v1/auth/login", json(Map.of("username", a.username, "password", PASSWORD)));
  }

  /**
   * Slot s owns accounts s, s+C, s+2C, … and cycles through them, so a refresh token is never
   * in flight twice; in open-loop mode a slot can have several requests outstanding, and the
   * account is then chosen round-robin over all accounts.
   */
  private Future<Reply> refresh(int slot) {
    Account a;
    if (opt.rate > 0) {
      a = accounts.get(roundRobin++ % accounts.size());
      if (roundRobin >= accounts.size()) {
        roundRobin = 0;
      }
    } else {
      int owned = Math.max(1, (accounts.size() - slot + opt.connections - 1) / opt.connections);
      int k = ThreadLocalRandom.current().nextInt(owned);
      a = accounts.get(Math.min(accounts.size() - 1, slot + k * opt.connections));
    }
    Account acc = a;
    return post("/api/v1/auth/refresh", json(Map.of("refreshToken", acc.refreshToken))).map(r -> {
      if (r.status == 200) {
        JsonNode n = parse(r.body);
        acc.refreshToken = n.path("refreshToken").asText(acc.refreshToken);
        acc.bearer = "Bearer " + n.path("accessToken").asText();
      }
      return r;
    });
  }

  private Future<Reply> post(String path, Buffer body) {
    RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
        .putHeader("Content-Type", "application/json");
    return client.request(ro).compose(req -> req.send(body)).compose(res -> res.body().map(b -> new Reply(res.statusCode(), b)));
  }

  record Reply(int status, Buffer body) {}

  private static Buffer json(Object value) {
    try {
      return Buffer.buffer(JSON.writeValueAsBytes(value));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode parse(Buffer b) {
    try {
      return JSON.readTree(b.getBytes());
    } catch (IOException e) {
      throw new IllegalStateException("unparseable response: " + b.toString(StandardCharsets.UTF_8), e);
    }
  }

  private static String code(Buffer b) {
    try {
      return JSON.readTree(b.getBytes()).path("code").asText("");
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  // ---------------------------------------------------------------- results

  private int report() throws IOException {
    double seconds = measureEnd > measureStart ? (measureEnd - measureStart) / 1e9 : opt.durationSeconds;
    double throughput = ok / seconds;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("label", opt.label);
    r.put("time", Instant.now().toString());
    r.put("scenario", opt.scenario);
    r.put("url", opt.url.toString());
    r.put("mode", opt.rate > 0 ? "open-loop" : "closed-loop");
    r.put("targetRate", opt.rate);
    r.put("users", accounts.size());
    r.put("connections", opt.connections);
    r.put("warmupSeconds", opt.warmupSeconds);
    r.put("durationSeconds", opt.durationSeconds);
    r.put("measuredSeconds", round3(seconds));
    r.put("ok", ok);
    r.put("errors", failed + notSent);
    r.put("notSentBacklog", notSent);
    r.put("failures", failures);
    r.put("abandonedInFlight", inFlight);
    r.put("throughputPerSecond", round1(throughput));
    r.put("latencyMs", percentiles(latency));
    if (opt.rate > 0) {
      // Latency above is from each request's intended send time (includes the generator's
      // 1-ms tick and any backlog); this is from the actual send.
      r.put("serviceMs", percentiles(service));
    }
    Map<String, Object> cpu = new LinkedHashMap<>();
    if (cpuBefore != null && cpuAfter != null) {
      double wall = (cpuAfter.wallNs - cpuBefore.wallNs) / 1e9;
      cpu.put("windowSeconds", round3(wall));
      cpu.put("generatorCores", round3((cpuAfter.selfCpuNs - cpuBefore.selfCpuNs) / 1e9 / wall));
      if (opt.serverPid > 0 && cpuBefore.serverTicks >= 0 && cpuAfter.serverTicks >= 0) {
        cpu.put("serverCores", round3((cpuAfter.serverTicks - cpuBefore.serverTicks) / 100.0 / wall));
      }
      if (cpuBefore.machineBusyTicks >= 0) {
        cpu.put("machineBusyCores", round3((cpuAfter.machineBusyTicks - cpuBefore.machineBusyTicks) / 100.0 / wall));
        cpu.put("machineCores", Runtime.getRuntime().availableProcessors());
      }
    }
    r.put("cpu", cpu);

    Map<?, ?> l = (Map<?, ?>) r.get("latencyMs");
    System.out.printf(Locale.ROOT, "%s: %.1f ok/s over %d s (%d ok, %d errors)%n", opt.scenario, throughput, opt.durationSeconds, ok,
        failed + notSent);
    System.out.printf(Locale.ROOT, "latency ms: p50=%s p90=%s p99=%s p99.9=%s max=%s mean=%s%n", l.get("p50"), l.get("p90"),
        l.get("p99"), l.get("p999"), l.get("max"), l.get("mean"));
    if (opt.rate > 0) {
      Map<?, ?> sv = (Map<?, ?>) r.get("serviceMs");
      System.out.printf(Locale.ROOT, "  (latency from intended send time; from actual send: p50=%s p90=%s p99=%s p99.9=%s max=%s)%n",
          sv.get("p50"), sv.get("p90"), sv.get("p99"), sv.get("p999"), sv.get("max"));
    }
    if (!failures.isEmpty()) {
      System.out.println("failures: " + failures);
      if (failures.keySet().stream().anyMatch(k -> k.startsWith("HTTP 429"))) {
        System.out.println("hint: the server rate-limited the run; start it with --set rate-limit.user.requests=100000000 "
            + "--set rate-limit.auth.requests=100000000 --set rate-limit.anonymous.requests=100000000");
      }
    }
    if (notSent > 0) {
      System.out.println("not sent (open-loop backlog over the in-flight cap): " + notSent);
    }
    if (inFlight > 0) {
      System.out.println("abandoned in flight at the end: " + inFlight);
    }
    System.out.println("cpu (cores busy during the window): " + cpu);
    if (opt.timeline) {
      System.out.println("timeline (second: ok failed max-ms):");
      for (int i = 0; i < perSecondOk.length; i++) {
        if (perSecondOk[i] + perSecondFailed[i] > 0) {
          System.out.printf(Locale.ROOT, "  %3d: %7d %5d %9.3f%n", i, perSecondOk[i], perSecondFailed[i], perSecondMaxMicros[i] / 1000.0);
        }
      }
    }
    String line = JSON.writeValueAsString(r);
    System.out.println("RESULT " + line);
    if (opt.out != null) {
      Files.writeString(opt.out, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    return failed + notSent == 0 && ok > 0 ? 0 : 1;
  }


  /** CPU counters at one instant: this process, the server process (/proc), and the machine. */
  record Snapshot(long wallNs, long selfCpuNs, long serverTicks, long machineBusyTicks) {
    static Snapshot take(long serverPid) {
      long self = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
      return new Snapshot(System.nanoTime(), self, serverPid > 0 ? processTicks(serverPid) : -1, readMachineBusyTicks());
    }

    /** utime + stime of a process, in clock ticks (USER_HZ, 100 on Linux x86-64). */
    private static long processTicks(long pid) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // After "pid (comm) ": field 3 (state) is f[0]; utime is field 14 → f[11], stime field 15 → f[12].
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
      } catch (IOException | RuntimeException e) {
        return -1;
      }
    }

    /** All CPUs' busy ticks (everything but idle and iowait) from /proc/stat. */
    private static long readMachineBusyTicks() {
      try {
        String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
        String[] f = first.trim().split("\\s+");
        long total = 0;
        // cpu user nice system idle iowait irq softirq steal (guest counted inside user)
        for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
          total += Long.parseLong(f[i]);
        }
        return total - Long.parseLong(f[4]) - Long.parseLong(f[5]);
      } catch (IOException | RuntimeException e) {
        return -1;
      }
    }
  }
}
