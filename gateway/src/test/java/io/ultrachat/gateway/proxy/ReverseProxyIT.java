package io.ultrachat.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReverseProxyIT {
  private ProxyHarness h;

  private ProxyHarness harness(ProxyConfig config) {
    h = new ProxyHarness(config);
    return h;
  }

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void routesByLongestPrefixAndForwardsHeaders() {
    harness(ProxyHarness.testConfig());
    h.upstream("auth", "auth-1");
    h.upstream("chat", "chat-1");
    h.upstream("realtime", "rt-1");
    h.check();

    assertThat(h.get("/api/v1/auth/login?x=1").body()).isEqualTo("auth-1 GET /api/v1/auth/login?x=1 0");
    assertThat(h.get("/.well-known/jwks.json").body()).startsWith("auth-1 GET");
    assertThat(h.get("/api/v1/workspaces/7/members").body()).startsWith("chat-1 GET");
    assertThat(h.get("/api/v1/workspaces/7/presence").body()).startsWith("rt-1 GET");
    assertThat(h.get("/api/v1/authority").body()).isEqualTo("not routed");
    assertThat(h.get("/elsewhere").statusCode()).isEqualTo(404);

    HttpResponse<String> res = h.send(HttpRequest.newBuilder(h.uri("/api/v1/users/me"))
        .header("X-Request-Id", "req-42").header("X-Custom", "kept").header("X-Forwarded-For", "203.0.113.9").GET().build());
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("X-Request-Id")).contains("req-42");
    assertThat(res.headers().firstValue("X-Upstream")).contains("auth-1");
    assertThat(res.headers().firstValue("Keep-Alive")).as("hop-by-hop headers stay on their hop").isEmpty();
    assertThat(h.fakes.getFirst().seenHeaders.getLast()).isEqualTo("X-Forwarded-For=203.0.113.9, 127.0.0.1 X-Forwarded-Host=127.0.0.1:"
        + h.port + " X-Forwarded-Proto=http X-Request-Id=req-42 Connection=null X-Custom=kept");
  }

  @Test
  void roundRobinSpreadsRequestsAndCountsThem() {
    harness(ProxyHarness.testConfig());
    FakeUpstream a = h.upstream("chat", "chat-a");
    FakeUpstream b = h.upstream("chat", "chat-b");
    h.check();

    for (int i = 0; i < 10; i++) {
      assertThat(h.get("/api/v1/conversations/1").statusCode()).isEqualTo(200);
    }

    assertThat(a.requests.get()).isEqualTo(5);
    assertThat(b.requests.get()).isEqualTo(5);
    assertThat(h.counter("gateway.upstream.requests", "service", "chat", "instance", "chat-a", "status", "2xx")).isEqualTo(5);
    assertThat(h.meters.find("gateway.upstream.latency").tags("service", "chat", "instance", "chat-b").timer().count()).isEqualTo(5);
    assertThat(h.meters.find("gateway.upstream.healthy").tag("service", "chat").gauge().value()).isEqualTo(2);
  }

  @Test
  void killedInstanceIsEjectedAndGetsAreRetriedWithoutClientVisibleErrors() {
    harness(ProxyHarness.testConfig());
    FakeUpstream a = h.upstream("chat", "chat-a");
    FakeUpstream b = h.upstream("chat", "chat-b");
    h.check();
    for (int i = 0; i < 4; i++) {
      h.get("/api/v1/conversations/warm");
    }

    a.close();
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      statuses.add(h.get("/api/v1/conversations/after-kill").statusCode());
    }

    assertThat(statuses).containsOnly(200);
    assertThat(h.upstreams.inRotation("chat")).isEqualTo(1);
    assertThat(h.counter("gateway.upstream.retries", "service", "chat")).isGreaterThanOrEqualTo(1);
    assertThat(h.counter("gateway.upstream.errors", "service", "chat", "instance", "chat-a", "kind", "connect")).isGreaterThanOrEqualTo(1);
    assertThat(b.requests.get()).isGreaterThanOrEqualTo(22);
  }

  @Test
  void ejectedInstanceReturnsAfterAPassingProbeAndFailingProbesTakeOneOut() {
    harness(ProxyHarness.testConfig());
    FakeUpstream a = h.upstream("chat", "chat-a");
    h.upstream("chat", "chat-b");
    h.check();

    a.ready.set(false);
    h.check();
    assertThat(h.upstreams.inRotation("chat")).as("one failed probe of two allowed").isEqualTo(2);
    h.check();
    assertThat(h.upstreams.inRotation("chat")).isEqualTo(1);
    for (int i = 0; i < 4; i++) {
      assertThat(h.get("/api/v1/conversations/x").body()).startsWith("chat-b");
    }

    a.ready.set(true);
    h.check();
    assertThat(h.upstreams.inRotation("chat")).isEqualTo(2);
  }

  @Test
  void aPostThatCouldNotConnectGoesToAnotherInstanceWithItsBody() {
    harness(ProxyHarness.testConfig());
    FakeUpstream a = h.upstream("chat", "chat-a");
    FakeUpstream b = h.upstream("chat", "chat-b");
    h.check();

    a.close(); // still in rotation: no probe has run since
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> post = h.send(HttpRequest.newBuilder(h.uri("/api/v1/conversations/1/messages"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"body\":\"hello\"}")).build());
      assertThat(post.statusCode()).as("POST %d", i).isEqualTo(200);
      answers.add(post.body());
    }

    assertThat(answers).containsOnly("chat-b POST /api/v1/conversations/1/messages 16");
    assertThat(b.requests.get()).isEqualTo(4);
    assertThat(h.counter("gateway.upstream.errors", "service", "chat", "instance", "chat-a", "kind", "connect")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void postIsNotRetriedButGetIs() {
    harness(ProxyHarness.testConfig());
    FakeUpstream a = h.upstream("chat", "chat-a");
    FakeUpstream b = h.upstream("chat", "chat-b");
    h.check();

    HttpResponse<String> post = h.send(HttpRequest.newBuilder(h.uri("/api/v1/conversations/1/crash"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hi\"}")).build());

    assertThat(post.statusCode()).isEqualTo(502);
    assertThat(post.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(post.body()).contains("\"code\":\"upstream-error\"");
    assertThat(a.crashes.get() + b.crashes.get()).as("attempts the upstreams saw").isEqualTo(1);

    HttpResponse<String> get = h.get("/api/v1/conversations/1/crash");
    assertThat(get.statusCode()).isEqualTo(502);
    assertThat(a.crashes.get() + b.crashes.get()).as("the GET was tried on both instances").isEqualTo(3);
  }

  @Test
  void upstream503IsRetriedForGetOnAnotherInstanceButPassedThroughForPost() {
    harness(ProxyHarness.testConfig());
    h.upstream("chat", "chat-a");
    h.check();

    HttpResponse<String> post = h.send(HttpRequest.newBuilder(h.uri("/api/v1/conversations/unavailable"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build());
    assertThat(post.statusCode()).isEqualTo(503);
    assertThat(post.body()).isEqualTo("chat-a unavailable");
    assertThat(h.counter("gateway.upstream.retries", "service", "chat")).isZero();
  }

  @Test
  void slowUpstreamGives504Problem() {
    harness(ProxyHarness.testConfig().withUpstreamTimeout(Duration.ofMillis(300)));
    h.upstream("chat", "chat-a");
    h.check();

    long start = System.nanoTime();
    HttpResponse<String> res = h.get("/api/v1/conversations/slow?ms=3000");

    assertThat(res.statusCode()).isEqualTo(504);
    assertThat(res.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(res.body()).contains("\"code\":\"upstream-timeout\"").contains("\"type\":\"https://ultrachat.io/problems/upstream-timeout\"");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
    assertThat(h.counter("gateway.upstream.errors", "service", "chat", "instance", "chat-a", "kind", "timeout")).isEqualTo(1);
  }

  @Test
  void noHealthyInstanceGives503WithRetryAfter() {
    harness(ProxyHarness.testConfig());
    FakeUpstream a = h.upstream("chat", "chat-a");
    h.check();
    a.close();

    HttpResponse<String> first = h.get("/api/v1/conversations/1");
    HttpResponse<String> second = h.get("/api/v1/conversations/1");
    HttpResponse<String> none = h.get("/api/v1/nobody/1");

    for (HttpResponse<String> res : List.of(first, second, none)) {
      assertThat(res.statusCode()).isEqualTo(503);
      assertThat(res.headers().firstValue("Retry-After")).contains("5");
      assertThat(res.headers().firstValue("Content-Type")).contains("application/problem+json");
      assertThat(res.body()).contains("\"code\":\"upstream-unavailable\"");
    }
    assertThat(h.upstreams.inRotation("chat")).isZero();
  }

  @Test
  void tenMibUploadStreamsThroughWithoutBeingBuffered() {
    harness(ProxyHarness.testConfig());
    FakeUpstream a = h.upstream("chat", "chat-a");
    h.check();
    long size = 10L * 1024 * 1024;
    AtomicBoolean upstreamSawBytesWhileClientWasSending = new AtomicBoolean();
    InputStream body = new InputStream() {
      private long sent;

      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (sent >= size) {
          return -1;
        }
        if (sent >= size / 2 && !upstreamSawBytesWhileClientWasSending.get()) {
          // Half sent: the upstream must already be receiving, or the proxy is holding the body.
          try {
            await().atMost(Duration.ofSeconds(10)).until(() -> a.uploadedBytes.get() >= 1024 * 1024);
          } catch (RuntimeException e) {
            throw new IOException("the upstream saw nothing while half the upload was sent", e);
          }
          upstreamSawBytesWhileClientWasSending.set(true);
        }
        int n = (int) Math.min(len, Math.min(64 * 1024, size - sent));
        sent += n;
        return n;
      }
    };

    HttpResponse<String> res = h.send(HttpRequest.newBuilder(h.uri("/api/v1/attachments/upload"))
        .header("Content-Type", "application/octet-stream")
        .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body), size)).build());

    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).isEqualTo(Long.toString(size));
    assertThat(upstreamSawBytesWhileClientWasSending).isTrue();
    assertThat(a.uploadChunks.get()).isGreaterThan(10);
  }

  @Test
  void drainingInstanceFinishesItsRequestWhileNewOnesGoElsewhere() throws Exception {
    harness(ProxyHarness.testConfig());
    FakeUpstream a = h.upstream("chat", "chat-a");
    FakeUpstream b = h.upstream("chat", "chat-b");
    h.check();

    CompletableFuture<HttpResponse<String>> slow = h.http.sendAsync(
        HttpRequest.newBuilder(h.uri("/api/v1/conversations/slow?ms=1500")).build(), HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(5)).until(() -> a.slowInFlight.get() + b.slowInFlight.get() == 1);
    FakeUpstream busy = a.slowInFlight.get() == 1 ? a : b;
    FakeUpstream other = busy == a ? b : a;
    assertThat(h.upstreams.drain("chat", busy.name)).isTrue();

    Map<String, Long> served = new java.util.HashMap<>();
    for (int i = 0; i < 6; i++) {
      served.merge(h.get("/api/v1/conversations/1").body().split(" ")[0], 1L, Long::sum);
    }

    assertThat(served).isEqualTo(Map.of(other.name, 6L));
    HttpResponse<String> finished = slow.get(10, TimeUnit.SECONDS);
    assertThat(finished.statusCode()).isEqualTo(200);
    assertThat(finished.body()).isEqualTo(busy.name + " slow done");
    // The proxy releases the instance when it has finished writing the response, which can be
    // just after the client has read it.
    await().atMost(Duration.ofSeconds(5)).until(() -> h.upstreams.inFlight("chat", busy.name) == 0);
  }

  @Test
  void deregisteredInstanceIsDrainedAtTheNextRefresh() throws Exception {
    harness(ProxyHarness.testConfig());
    FakeUpstream a = h.upstream("chat", "chat-a");
    FakeUpstream b = h.upstream("chat", "chat-b");
    h.check();

    h.registry.deregister("chat", "chat-a");
    h.check();

    List<String> names = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      names.add(h.get("/api/v1/conversations/1").body().split(" ")[0]);
    }
    assertThat(names).containsOnly("chat-b");
    assertThat(a.requests.get()).isZero();
    assertThat(b.requests.get()).isEqualTo(4);
  }

  @Test
  void shutdownRefusesNewRequestsAndLetsInFlightOnesFinish() throws Exception {
    harness(ProxyHarness.testConfig());
    FakeUpstream a = h.upstream("chat", "chat-a");
    h.check();
    CompletableFuture<HttpResponse<String>> slow = h.http.sendAsync(
        HttpRequest.newBuilder(h.uri("/api/v1/conversations/slow?ms=1000")).build(), HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(5)).until(() -> a.slowInFlight.get() == 1);

    var stopped = h.proxy.shutdown(Duration.ofSeconds(10));
    HttpResponse<String> refused = h.get("/api/v1/conversations/1");

    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(slow.get(10, TimeUnit.SECONDS).body()).isEqualTo("chat-a slow done");
    Futures.await(stopped);
    assertThat(h.proxy.inFlight()).isZero();
  }

  @Test
  void concurrentRequestsAllSucceed() {
    harness(ProxyHarness.testConfig());
    h.upstream("chat", "chat-a");
    h.upstream("chat", "chat-b");
    h.check();
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      all.add(h.http.sendAsync(HttpRequest.newBuilder(h.uri("/api/v1/workspaces/" + i)).build(), HttpResponse.BodyHandlers.ofString()));
    }
    Map<Integer, Long> statuses = all.stream().map(CompletableFuture::join)
        .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
    assertThat(statuses).isEqualTo(Map.of(200, 200L));
    // The client may read the last byte just before the proxy's pipe reports completion.
    await().atMost(Duration.ofSeconds(5)).until(() -> h.proxy.inFlight() == 0);
  }

}
