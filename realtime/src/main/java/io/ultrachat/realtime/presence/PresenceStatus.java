package io.ultrachat.realtime.presence;

import java.util.Collection;
import java.util.Optional;

/** A user's presence as others see it; a device reports only {@link #ONLINE} or {@link #AWAY}. */
public enum PresenceStatus {
  ONLINE("online"),
  AWAY("away"),
  OFFLINE("offline");

  private final String wire;

  PresenceStatus(String wire) {
    this.wire = wire;
  }

  /** As in frames and JSON. */
  public String wire() {
    return wire;
  }

  /** What a device may report: {@code online} or {@code away}; empty for anything else. */
  public static Optional<PresenceStatus> ofDevice(String wire) {
    return switch (wire) {
      case "online" -> Optional.of(ONLINE);
      case "away" -> Optional.of(AWAY);
      default -> Optional.empty();
    };
  }

  /** Online if any device is online, away if every connected device is away, offline with none. */
  static PresenceStatus of(Collection<String> deviceStatuses) {
    if (deviceStatuses.isEmpty()) {
      return OFFLINE;
    }
    return deviceStatuses.contains(ONLINE.wire) ? ONLINE : AWAY;
  }

  static PresenceStatus parse(String wire) {
    return switch (wire) {
      case "online" -> ONLINE;
      case "away" -> AWAY;
      default -> OFFLINE;
    };
  }
}
