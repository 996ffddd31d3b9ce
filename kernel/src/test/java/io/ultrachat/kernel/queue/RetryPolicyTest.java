package io.ultrachat.kernel.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy = new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(5));

  @Test
  void backoffDoublesFromTheInitialDelayUpToTheCap() {
    assertThat(policy.backoff(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.backoff(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.backoff(3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(policy.backoff(4)).isEqualTo(Duration.ofSeconds(5));
    assertThat(policy.backoff(1_000)).isEqualTo(Duration.ofSeconds(5));
    assertThat(RetryPolicy.defaults().backoff(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void aRetryOnTheLastAttemptGivesUpAndEarlierOnesRedeliver() {
    Outcome retry = Outcome.retryAfter(Duration.ofMillis(300), "503");
    assertThat(policy.settle(1, retry)).isEqualTo(new Settlement.Redeliver(Duration.ofMillis(300)));
    assertThat(policy.settle(3, retry)).isEqualTo(new Settlement.Redeliver(Duration.ofMillis(300)));
    assertThat(policy.settle(4, retry)).isInstanceOfSatisfying(Settlement.GiveUp.class,
        g -> assertThat(g.reason()).contains("4 attempts").contains("503"));
    assertThat(policy.settle(9, retry)).isInstanceOf(Settlement.GiveUp.class);
    assertThat(policy.settle(1, Outcome.fail("410"))).isEqualTo(new Settlement.GiveUp("410"));
    assertThat(policy.settle(4, Outcome.done())).isEqualTo(new Settlement.Remove());
  }

  @Test
  void aThrowingHandlerBecomesARetryAfterTheBackoffForItsAttempt() {
    Job job = new Job("1", "q", new byte[0], 3);
    Outcome outcome = policy.attempt(j -> {
      throw new java.io.IOException("connection reset");
    }, job);
    assertThat(outcome).isEqualTo(Outcome.retryAfter(Duration.ofSeconds(4), "IOException: connection reset"));
    assertThat(policy.attempt(j -> null, job)).isInstanceOf(Outcome.Retry.class);
    assertThat(policy.attempt(j -> Outcome.done(), job)).isEqualTo(Outcome.done());
  }

  @Test
  void invalidPoliciesAreRefusedNamingTheField() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(1))).hasMessageContaining("maxDeliveries");
    assertThatThrownBy(() -> new RetryPolicy(1, Duration.ZERO, Duration.ofSeconds(1))).hasMessageContaining("initialBackoff");
    assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(2), Duration.ofSeconds(1))).hasMessageContaining("maxBackoff");
    assertThatThrownBy(() -> policy.backoff(0)).hasMessageContaining("attempt");
  }
}
