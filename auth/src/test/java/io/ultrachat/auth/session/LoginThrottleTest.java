package io.ultrachat.auth.session;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ultrachat.kernel.error.RateLimited;
import io.ultrachat.kernel.error.Unavailable;
import io.ultrachat.kernel.kv.InMemoryKeyValue;
import io.ultrachat.kernel.kv.KeyValue;
import io.ultrachat.testkit.MutableClock;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final KeyValue shared = new InMemoryKeyValue(clock);

  private LoginThrottle node(KeyValue store) {
    return new LoginThrottle(store, clock, 2, Duration.ofMinutes(15));
  }

  @Test
  void failuresOnEveryNodeCountTogetherAndBackOffDoubles() {
    LoginThrottle a = node(shared);
    LoginThrottle b = node(shared);
    a.recordFailure("alice");
    b.recordFailure("ALICE");
    assertThatThrownBy(() -> a.checkAllowed("alice")).isInstanceOf(RateLimited.class);
    clock.advance(Duration.ofSeconds(1));
    assertThatCode(() -> b.checkAllowed("alice")).doesNotThrowAnyException();
    b.recordFailure("alice");
    clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> a.checkAllowed("alice")).isInstanceOf(RateLimited.class); // 2 s now
    clock.advance(Duration.ofSeconds(1));
    assertThatCode(() -> a.checkAllowed("alice")).doesNotThrowAnyException();
    assertThatCode(() -> a.checkAllowed("bob")).doesNotThrowAnyException();
  }

  @Test
  void aSuccessOrAnHourWithoutFailuresClearsTheCount() {
    LoginThrottle a = node(shared);
    LoginThrottle b = node(shared);
    a.recordFailure("alice");
    a.recordFailure("alice");
    b.recordSuccess("alice");
    assertThatCode(() -> a.checkAllowed("alice")).doesNotThrowAnyException();

    a.recordFailure("alice");
    a.recordFailure("alice");
    clock.advance(LoginThrottle.FORGET_AFTER);
    assertThatCode(() -> a.checkAllowed("alice")).doesNotThrowAnyException();
    // A new run starts from one, not from where the forgotten run stopped.
    a.recordFailure("alice");
    assertThatCode(() -> a.checkAllowed("alice")).doesNotThrowAnyException();
  }

  private static final KeyValue DOWN = (KeyValue) Proxy.newProxyInstance(KeyValue.class.getClassLoader(),
      new Class<?>[] {KeyValue.class}, (proxy, method, args) -> {
        throw new Unavailable("Redis is unavailable (test)");
      });

  @Test
  void aRunLivesAnHourFromItsLastFailure() {
    LoginThrottle a = node(shared);
    a.recordFailure("alice");
    clock.advance(Duration.ofMinutes(50));
    a.recordFailure("alice"); // the count's lifetime starts again here
    clock.advance(Duration.ofMinutes(50));
    // 100 minutes after the first failure the run goes on: this third failure makes the account wait.
    a.recordFailure("alice");
    assertThatThrownBy(() -> a.checkAllowed("alice")).isInstanceOf(RateLimited.class);
  }

  @Test
  void whenEvenTheFallbackMemoryIsFullSignInsAreNotRefused() {
    LoginThrottle a = new LoginThrottle(DOWN, clock, 1, Duration.ofMinutes(15), 2);
    a.recordFailure("alice");
    a.recordFailure("bob"); // no room left: skipped, not an error
    assertThatCode(() -> a.checkAllowed("bob")).doesNotThrowAnyException();
    assertThatThrownBy(() -> a.checkAllowed("alice")).isInstanceOf(RateLimited.class);
  }

  @Test
  void whileTheStoreIsDownEachNodeStillBacksOffOnItsOwn() {
    LoginThrottle a = node(DOWN);
    assertThatCode(() -> a.checkAllowed("alice")).doesNotThrowAnyException();
    a.recordFailure("alice");
    a.recordFailure("alice");
    assertThatThrownBy(() -> a.checkAllowed("alice")).isInstanceOf(RateLimited.class);
  }
}
