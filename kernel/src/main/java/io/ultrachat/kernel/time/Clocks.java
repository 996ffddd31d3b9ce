package io.ultrachat.kernel.time;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Small helpers around an injected {@link Clock}; domain code never reads the system clock. */
public final class Clocks {
  private Clocks() {}

  /** Now, truncated to milliseconds, which is what every store keeps. */
  public static Instant nowMillis(Clock clock) {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
