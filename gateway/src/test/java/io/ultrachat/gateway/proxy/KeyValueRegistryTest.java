package io.ultrachat.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ultrachat.kernel.kv.InMemoryKeyValue;
import io.ultrachat.testkit.MutableClock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyValueRegistryTest {
  private final MutableClock clock = MutableClock.startingNow();
  private final InMemoryKeyValue store = new InMemoryKeyValue(clock);
  private final KeyValueRegistry registry = new KeyValueRegistry(store);
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final Instance a = new Instance("chat-a", "http://127.0.0.1:18081");
  private final Instance b = new Instance("chat-b", "http://127.0.0.1:18082");

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  @Test
  void instanceWhoseHeartbeatStopsDisappearsAfterItsTtl() {
    Duration ttl = Duration.ofSeconds(15);
    RegistryHeartbeat beatA = new RegistryHeartbeat(registry, "chat", a, ttl, Duration.ofSeconds(5), scheduler);
    RegistryHeartbeat beatB = new RegistryHeartbeat(registry, "chat", b, ttl, Duration.ofSeconds(5), scheduler);
    beatA.beat();
    beatB.beat();
    assertThat(registry.instances("chat")).containsExactlyInAnyOrder(a, b);

    // Both beat for a while; then b crashes and stops beating.
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofSeconds(5));
      beatA.beat();
      beatB.beat();
    }
    for (int i = 0; i < 2; i++) {
      clock.advance(Duration.ofSeconds(5));
      beatA.beat();
    }
    assertThat(registry.instances("chat")).as("within b's TTL").containsExactlyInAnyOrder(a, b);
    clock.advance(Duration.ofSeconds(5));
    beatA.beat();

    assertThat(registry.instances("chat")).containsExactly(a);
  }

  @Test
  void stoppingDeregistersAtOnce() {
    RegistryHeartbeat beat = new RegistryHeartbeat(registry, "chat", a, Duration.ofSeconds(15), Duration.ofSeconds(5), scheduler);
    beat.start();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !registry.instances("chat").isEmpty());

    beat.stop();

    assertThat(registry.instances("chat")).isEmpty();
    assertThat(registry.deregister("chat", "chat-a")).isFalse();
  }

  @Test
  void ignoresEntriesThatAreNotBaseUrls() {
    store.putField(KeyValueRegistry.PREFIX + "chat", "bad", "not a url", Duration.ofMinutes(1));
    registry.register("chat", a, Duration.ofMinutes(1));

    assertThat(registry.instances("chat")).containsExactly(a);
    assertThat(registry.instances("voice")).isEmpty();
  }

  @Test
  void refusesATtlNoLongerThanTheInterval() {
    assertThatThrownBy(() -> new RegistryHeartbeat(registry, "chat", a, Duration.ofSeconds(5), Duration.ofSeconds(5), scheduler))
        .hasMessageContaining("must be longer than the heartbeat interval");
  }
}
