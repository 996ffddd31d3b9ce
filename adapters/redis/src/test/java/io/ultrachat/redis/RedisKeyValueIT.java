package io.ultrachat.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ultrachat.kernel.kv.KeyValue;
import io.ultrachat.testkit.KeyValueContract;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The KeyValue contract against a real Redis, in real time; plus what is particular to Redis. */
class RedisKeyValueIT extends KeyValueContract {
  private static RedisEndpoint endpoint;
  private final String prefix = "ultrachat-test:" + UUID.randomUUID() + ":";

  @BeforeAll
  static void connect() {
    endpoint = RedisEndpoint.connect("kv.redis-url", TestRedis.url(), Duration.ofSeconds(2));
  }

  @AfterAll
  static void disconnect() {
    endpoint.close();
  }

  @AfterEach
  void removeKeys() {
    TestRedis.deleteKeys(endpoint, prefix);
  }

  @Override
  protected KeyValue keyValue() {
    return new RedisKeyValue(endpoint, prefix, 1_000_000);
  }

  /** Redis expires by its own clock, so time passes for real. */
  @Override
  protected void elapse(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void keysAreNamespacedByThePrefix() {
    KeyValue kv = keyValue();
    kv.put("presence:u1", "online", Duration.ofMinutes(1));
    kv.putField("devices:u1", "phone", "online", Duration.ofMinutes(1));
    assertThat(TestRedis.keys(endpoint, prefix))
        .containsExactlyInAnyOrder(prefix + "kv:presence:u1", prefix + "kv:devices:u1", prefix + "kv-fx:devices:u1");
  }

  @Test
  void aHashWhoseFieldsAllExpiredLeavesNothingInRedis() throws InterruptedException {
    KeyValue kv = keyValue();
    kv.putField("devices:u1", "phone", "online", Duration.ofMillis(100));
    kv.putField("devices:u1", "laptop", "online", Duration.ofMillis(150));
    kv.deleteField("devices:u1", "missing");
    Thread.sleep(400);
    assertThat(TestRedis.keys(endpoint, prefix)).isEmpty();
  }

  @Test
  void aFieldRenewedWithAShorterTtlDoesNotOutliveIt() throws InterruptedException {
    KeyValue kv = keyValue();
    kv.putField("h", "f", "long", Duration.ofMinutes(10));
    kv.putField("h", "f", "short", Duration.ofMillis(100));
    Thread.sleep(300);
    assertThat(kv.fields("h")).isEmpty();
    assertThat(TestRedis.keys(endpoint, prefix)).isEmpty();
  }

  @Test
  void scriptsAreSentAgainAfterTheServerForgotThem() {
    KeyValue kv = keyValue();
    kv.putField("h", "f", "1", Duration.ofMinutes(1));
    endpoint.text().sync().scriptFlush();
    assertThat(kv.putField("h", "f", "2", Duration.ofMinutes(1))).contains("1");
    assertThat(kv.increment("c", 5, Duration.ofMinutes(1))).isEqualTo(5);
  }

  @Test
  void aHashRefusesFieldsBeyondItsLimit() {
    KeyValue kv = new RedisKeyValue(endpoint, prefix, 2);
    kv.putField("h", "a", "1", Duration.ofMinutes(1));
    kv.putField("h", "b", "1", Duration.ofMinutes(1));
    kv.putField("h", "b", "2", Duration.ofMinutes(1));
    assertThatThrownBy(() -> kv.putField("h", "c", "1", Duration.ofMinutes(1)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("most fields");
    assertThat(kv.fields("h")).containsOnlyKeys("a", "b");
  }

  @Test
  void aCounterCreatedByPutKeepsItsExpiry() {
    KeyValue kv = keyValue();
    kv.put("c", "5", Duration.ofMillis(300));
    assertThat(kv.increment("c", 1, Duration.ofMinutes(10))).isEqualTo(6);
    assertThat(endpoint.text().sync().pttl(prefix + "kv:c")).isBetween(1L, 300L);
  }

  @Test
  void aCounterThatWouldOverflowIsRefused() {
    KeyValue kv = keyValue();
    kv.increment("c", Long.MAX_VALUE, Duration.ofMinutes(1));
    assertThatThrownBy(() -> kv.increment("c", 1, Duration.ofMinutes(1))).isInstanceOf(IllegalStateException.class);
    assertThat(kv.get("c")).contains(Long.toString(Long.MAX_VALUE));
  }
}
