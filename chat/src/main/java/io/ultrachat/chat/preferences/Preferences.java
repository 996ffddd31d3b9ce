package io.ultrachat.chat.preferences;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One user's preferences: display theme, time zone, optional locale and per-conversation
 * notification overrides. Immutable, so it can be cached as is.
 *
 * @param theme the display theme
 * @param timeZone an IANA region id, e.g. {@code Europe/Berlin}
 * @param locale a BCP 47 language tag in canonical form, e.g. {@code en-US}; empty if unset
 * @param conversations overrides by conversation id, in ascending id order
 */
public record Preferences(Theme theme, String timeZone, Optional<String> locale,
    Map<Long, ConversationOverride> conversations) {
  public static final String DEFAULT_TIME_ZONE = "UTC";

  /** What a user who never changed anything has. */
  public static final Preferences DEFAULTS = new Preferences(Theme.SYSTEM, DEFAULT_TIME_ZONE, Optional.empty(), new TreeMap<>());

  public Preferences {
    Objects.requireNonNull(theme, "theme");
    Objects.requireNonNull(timeZone, "timeZone");
    Objects.requireNonNull(locale, "locale");
    conversations = Collections.unmodifiableSortedMap(new TreeMap<>(conversations));
  }

  /** The display theme; {@code system} follows the device. */
  public enum Theme {
    SYSTEM, LIGHT, DARK;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException if {@code wire} names no theme */
    public static Theme fromWire(String wire) {
      for (Theme t : values()) {
        if (t.wire().equals(wire)) {
          return t;
        }
      }
      throw new IllegalArgumentException("unknown theme '" + wire + "'");
    }
  }

  /** Which messages of a conversation notify the user. */
  public enum Notifications {
    ALL, MENTIONS, NONE;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException if {@code wire} names no level */
    public static Notifications fromWire(String wire) {
      for (Notifications n : values()) {
        if (n.wire().equals(wire)) {
          return n;
        }
      }
      throw new IllegalArgumentException("unknown notification level '" + wire + "'");
    }
  }

  /** A user's settings for one conversation. */
  public record ConversationOverride(Notifications notifications, boolean muted) {
    public ConversationOverride {
      Objects.requireNonNull(notifications, "notifications");
    }
  }
}
