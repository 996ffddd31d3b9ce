package io.ultrachat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ultrachat.kernel.bus.Bus;
import io.ultrachat.kernel.bus.BusMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link Bus}, for every implementation: subclass it and return a fresh bus
 * from {@link #newBus()}. Subjects are made unique per test so a shared broker is fine.
 */
public abstract class BusContract {
  private static final Duration WAIT = Duration.ofSeconds(10);
  protected Bus bus;
  private String prefix;

  protected abstract Bus newBus();

  @BeforeEach
  void open() {
    bus = newBus();
    prefix = "t" + Long.toHexString(System.nanoTime());
  }

  @AfterEach
  void closeBus() {
    bus.close();
  }

  private String s(String rest) {
    return prefix + "." + rest;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> collector(List<String> into, BusMessage m) {
    into.add(m.subject() + "=" + new String(m.payload(), StandardCharsets.UTF_8));
    return into;
  }

  @Test
  void deliversToExactSubscribersInPublishOrder() {
    List<String> got = Collections.synchronizedList(new ArrayList<>());
    bus.subscribe(s("room.1"), m -> collector(got, m));
    for (int i = 0; i < 100; i++) {
      bus.publish(s("room.1"), bytes("m" + i));
    }
    bus.publish(s("room.2"), bytes("other"));
    await().atMost(WAIT).until(() -> got.size() >= 100);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      expected.add(s("room.1") + "=m" + i);
    }
    assertThat(got).containsExactlyElementsOf(expected);
  }

  @Test
  void wildcardsMatchOneTokenOrTheRest() {
    List<String> star = Collections.synchronizedList(new ArrayList<>());
    List<String> tail = Collections.synchronizedList(new ArrayList<>());
    bus.subscribe(s("room.*"), m -> collector(star, m));
    bus.subscribe(s(">"), m -> collector(tail, m));
    bus.publish(s("room.1"), bytes("a"));
    bus.publish(s("room.1.thread"), bytes("b"));
    bus.publish(s("user.7"), bytes("c"));
    await().atMost(WAIT).until(() -> tail.size() >= 3);
    assertThat(tail).containsExactly(s("room.1") + "=a", s("room.1.thread") + "=b", s("user.7") + "=c");
    assertThat(star).containsExactly(s("room.1") + "=a");
  }

  @Test
  void everySubscriberGetsItsOwnCopyAndClosedOnesGetNothing() throws Exception {
    CountDownLatch first = new CountDownLatch(1);
    List<String> open = Collections.synchronizedList(new ArrayList<>());
    List<String> closed = Collections.synchronizedList(new ArrayList<>());
    bus.subscribe(s("x"), m -> {
      collector(open, m);
      first.countDown();
    });
    Bus.Subscription gone = bus.subscribe(s("x"), m -> collector(closed, m));
    gone.close();
    bus.publish(s("x"), bytes("1"));
    assertThat(first.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    Thread.sleep(200);
    assertThat(open).containsExactly(s("x") + "=1");
    assertThat(closed).isEmpty();
  }

  @Test
  void aSlowSubscriberDoesNotDelayOthers() {
    CountDownLatch release = new CountDownLatch(1);
    List<String> fast = Collections.synchronizedList(new ArrayList<>());
    bus.subscribe(s("y"), m -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    bus.subscribe(s("y"), m -> collector(fast, m));
    for (int i = 0; i < 10; i++) {
      bus.publish(s("y"), bytes("v" + i));
    }
    await().atMost(WAIT).until(() -> fast.size() == 10);
    release.countDown();
  }

  @Test
  void aFailingHandlerKeepsItsSubscription() {
    List<String> got = Collections.synchronizedList(new ArrayList<>());
    bus.subscribe(s("z"), m -> {
      collector(got, m);
      throw new IllegalStateException("handler bug");
    });
    bus.publish(s("z"), bytes("1"));
    bus.publish(s("z"), bytes("2"));
    await().atMost(WAIT).until(() -> got.size() == 2);
  }

  @Test
  void malformedSubjectsAndPatternsAreRefused() {
    assertThatThrownBy(() -> bus.publish("", bytes("x"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> bus.publish("a..b", bytes("x"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> bus.publish("a.*", bytes("x"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> bus.publish("a b", bytes("x"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> bus.publish("a.", bytes("x"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> bus.publish(".a", bytes("x"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> bus.publish("a.b/c", bytes("x"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'b/c'");
    bus.publish("chat.conv:12-a_Z.x", bytes("x"));
    assertThatThrownBy(() -> bus.subscribe("a.>.b", m -> { })).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> bus.subscribe("", m -> { })).isInstanceOf(IllegalArgumentException.class);
  }
}
