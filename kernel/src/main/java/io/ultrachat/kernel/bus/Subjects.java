package io.ultrachat.kernel.bus;

import java.util.regex.Pattern;

/** Validation and matching of bus subjects and patterns (NATS semantics). */
public final class Subjects {
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_:-]+");

  private Subjects() {}

  public static void checkSubject(String subject) {
    for (String token : split(subject, "subject")) {
      if (!TOKEN.matcher(token).matches()) {
        throw new IllegalArgumentException("subject token '" + token + "' in '" + subject + "' may use only letters, digits, '_', ':' and '-'");
      }
    }
  }

  public static void checkPattern(String pattern) {
    String[] tokens = split(pattern, "pattern");
    for (int i = 0; i < tokens.length; i++) {
      String t = tokens[i];
      if (t.equals(">") && i != tokens.length - 1) {
        throw new IllegalArgumentException("'>' may only be the last token of a pattern, in '" + pattern + "'");
      }
      if (!t.equals("*") && !t.equals(">") && !TOKEN.matcher(t).matches()) {
        throw new IllegalArgumentException("pattern token '" + t + "' in '" + pattern + "' is not valid");
      }
    }
  }

  /** Whether a concrete subject matches a pattern. */
  public static boolean matches(String pattern, String subject) {
    String[] p = pattern.split("\\.", -1);
    String[] s = subject.split("\\.", -1);
    for (int i = 0; i < p.length; i++) {
      if (p[i].equals(">")) {
        return s.length > i;
      }
      if (i >= s.length || (!p[i].equals("*") && !p[i].equals(s[i]))) {
        return false;
      }
    }
    return p.length == s.length;
  }

  private static String[] split(String value, String what) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("a " + what + " must not be empty");
    }
    String[] tokens = value.split("\\.", -1);
    for (String t : tokens) {
      if (t.isEmpty()) {
        throw new IllegalArgumentException("a " + what + " must not have empty tokens: '" + value + "'");
      }
    }
    return tokens;
  }
}
