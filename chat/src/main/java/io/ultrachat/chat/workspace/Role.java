package io.ultrachat.chat.workspace;

import java.util.Locale;

/** A member's role in a workspace, strongest first. */
public enum Role {
  OWNER, ADMIN, MEMBER, GUEST;

  public boolean atLeast(Role other) {
    return ordinal() <= other.ordinal();
  }

  public boolean manages() {
    return atLeast(ADMIN);
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
