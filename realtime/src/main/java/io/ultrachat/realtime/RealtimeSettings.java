package io.ultrachat.realtime;

import io.ultrachat.kernel.config.Setting;
import io.ultrachat.kernel.config.SettingsCatalog;
import java.time.Duration;
import java.util.List;

/** Limits of the WebSocket edge (docs/protocol.md). */
public final class RealtimeSettings implements SettingsCatalog {
  public static final Setting<Long> MAX_FRAME = Setting.bytes("realtime.max-frame-size", "64KiB",
      "Largest frame a client may send; larger ones close the connection with 4002.");
  public static final Setting<Long> MAX_QUEUED = Setting.bytes("realtime.max-queued-bytes", "1MiB",
      "Outbound bytes buffered per connection before it is closed as a slow consumer (4008).");
  public static final Setting<Integer> FRAME_RATE = Setting.integer("realtime.frame-rate", 20, 1, 100_000,
      "Frames per second a client may send (bursts up to twice that); more get `rate-limited` errors.");
  public static final Setting<Integer> RESUME_MAX = Setting.integer("realtime.resume-max", 500, 1, 100_000,
      "Most missed messages replayed per conversation on resume; beyond that the client gets `resync`.");
  public static final Setting<Duration> HELLO_TIMEOUT = Setting.duration("realtime.hello-timeout", "10s",
      "How long a new connection may take to send `hello`.");
  public static final Setting<Duration> HEARTBEAT = Setting.duration("realtime.heartbeat", "30s",
      "Interval of server pings; a connection silent for 2.5 intervals is closed.");

  @Override
  public List<Setting<?>> settings() {
    return List.of(MAX_FRAME, MAX_QUEUED, FRAME_RATE, RESUME_MAX, HELLO_TIMEOUT, HEARTBEAT);
  }
}
