package io.ultrachat.kernel.id;

import io.ultrachat.kernel.error.NotFound;

/** Parsing of ids that arrive as decimal strings in paths and bodies. */
public final class Ids {
  private Ids() {}

  /**
   * Parses a path id. A malformed id cannot name anything, so it is reported as not found
   * rather than as bad input: guessing ids must not reveal more than a wrong guess.
   */
  public static long parsePathId(String raw, String what) {
    if (raw == null || raw.isEmpty() || raw.length() > 19) {
      throw new NotFound(what + " not found");
    }
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c < '0' || c > '9') {
        throw new NotFound(what + " not found");
      }
    }
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new NotFound(what + " not found");
    }
  }
}
