package io.ultrachat.kernel.bus;

/** Validation and matching of bus subjects and patterns (NATS semantics). */
public final class Subjects {
  private Subjects() {}

  /** Checks a concrete subject; it runs on every publish, so it scans once without allocating. */
  public static void checkSubject(String subject) {
    if (subject == null || subject.isEmpty()) {
      throw new IllegalArgumentException("a subject must not be empty");
    }
    int start = 0;
    for (int i = 0; i <= subject.length(); i++) {
      if (i == subject.length() || subject.charAt(i) == '.') {
        if (i == start) {
          throw new IllegalArgumentException("a subject must not have empty tokens: '" + subject + "'");
        }
        start = i + 1;
      } else if (!isTokenChar(subject.charAt(i))) {
        int end = subject.indexOf('.', i);
        String token = subject.substring(start, end < 0 ? subject.length() : end);
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
      if (!t.equals("*") && !t.equals(">") && !t.chars().allMatch(c -> isTokenChar((char) c))) {
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

  private static boolean isTokenChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':' || c == '-';
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
