package io.ultrachat.auth.account;

import io.ultrachat.kernel.error.InvalidInput;
import java.util.regex.Pattern;

/** The one rule for usernames: 3–32 of letters, digits, '.', '_' and '-', starting and ending with a letter or digit. */
public final class Usernames {
  public static final int MIN = 3;
  public static final int MAX = 32;
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?");

  private Usernames() {}

  public static String validate(String field, String username) {
    if (username == null) {
      throw InvalidInput.field(field, "is required");
    }
    if (username.length() < MIN || username.length() > MAX) {
      throw InvalidInput.field(field, "must be " + MIN + " to " + MAX + " characters");
    }
    if (!VALID.matcher(username).matches()) {
      throw InvalidInput.field(field,
          "may contain only letters, digits, '.', '_' and '-', and must start and end with a letter or digit");
    }
    return username;
  }
}
