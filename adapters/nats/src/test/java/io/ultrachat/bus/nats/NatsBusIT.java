package io.ultrachat.bus.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ultrachat.kernel.bus.Bus;
import io.ultrachat.testkit.BusContract;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The NATS bus against the shared contract on the local server, plus what only NATS has. */
class NatsBusIT extends BusContract {
  static final String URL = "nats://127.0.0.1:4222";

  @Override
  protected Bus newBus() {
    return new NatsBus(URL);
  }

  /** Regression: thousands of concurrent subscribes each flushed, and the PINGs in flight made the client reconnect. */
  @Test
  void aStormOfSubscriptionsDoesNotMakeTheConnectionLookStale() throws Exception {
    String prefix = "storm" + Long.toHexString(System.nanoTime());
    try (NatsBus bus = new NatsBus(URL); var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      java.util.concurrent.atomic.AtomicInteger got = new java.util.concurrent.atomic.AtomicInteger();
      List<java.util.concurrent.Future<?>> subs = new java.util.ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        int n = i;
        subs.add(threads.submit(() -> bus.subscribe(prefix + ".user." + n, m -> got.incrementAndGet())));
      }
      for (var f : subs) {
        f.get(30, java.util.concurrent.TimeUnit.SECONDS);
      }
      for (int i = 0; i < 3000; i++) {
        bus.publish(prefix + ".user." + i, new byte[] {1});
      }
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> got.get() == 3000);
      assertThat(bus.disconnects()).isZero();
    }
  }

  @Test
  void twoNodesSeeEachOthersMessages() {
    String subject = "nodes" + Long.toHexString(System.nanoTime()) + ".room.1";
    try (NatsBus a = new NatsBus(URL); NatsBus b = new NatsBus(URL)) {
      List<String> atA = new CopyOnWriteArrayList<>();
      List<String> atB = new CopyOnWriteArrayList<>();
      a.subscribe(subject, m -> atA.add(new String(m.payload(), StandardCharsets.UTF_8)));
      b.subscribe(subject, m -> atB.add(new String(m.payload(), StandardCharsets.UTF_8)));
      a.publish(subject, "from-a".getBytes(StandardCharsets.UTF_8));
      b.publish(subject, "from-b".getBytes(StandardCharsets.UTF_8));
      await().atMost(Duration.ofSeconds(10)).until(() -> atA.size() == 2 && atB.size() == 2);
      assertThat(atA).containsExactlyInAnyOrder("from-a", "from-b");
      assertThat(atB).containsExactlyInAnyOrder("from-a", "from-b");
      assertThat(a.published()).isEqualTo(1);
      assertThat(a.delivered()).isEqualTo(2);
      assertThat(a.dropped()).isZero();
      assertThat(a.connected()).isTrue();
    }
  }

  @Test
  void aFullSubscriptionQueueDropsAndCountsInsteadOfBlockingThePublisher() throws Exception {
    String subject = "full" + Long.toHexString(System.nanoTime());
    CountDownLatch release = new CountDownLatch(1);
    try (NatsBus small = new NatsBus(NatsBus.Settings.of(URL).withQueueCapacity(2))) {
      small.subscribe(subject, m -> {
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      long start = System.nanoTime();
      for (int i = 0; i < 50; i++) {
        small.publish(subject, new byte[] {1});
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      // The blocked handler holds one message and its queue two more; the rest are dropped.
      await().atMost(Duration.ofSeconds(10)).until(() -> small.dropped() >= 47);
      Thread.sleep(200);
      assertThat(small.dropped()).isBetween(47L, 48L);
      release.countDown();
    }
  }

  @Test
  void anUnreachableServerFailsAtOnceNamingTheUrlAndTheSetting() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String url = "nats://alice:s3cret@127.0.0.1:" + port;
    long start = System.nanoTime();
    assertThatThrownBy(() -> new NatsBus(url))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("nats://127.0.0.1:" + port)
        .hasMessageContaining(NatsBus.URL_SETTING)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret").doesNotContain("alice"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThatThrownBy(() -> new NatsBus(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(NatsBus.URL_SETTING);
  }

  @Test
  void credentialsAreRemovedFromUrlsInMessages() {
    assertThat(NatsConnections.redact("nats://u:p@a:4222, nats://token@b:4222,nats://c:4222"))
        .isEqualTo("nats://a:4222, nats://b:4222,nats://c:4222");
  }
}
