package io.ultrachat.kernel.validation;

import io.ultrachat.kernel.error.InvalidInput;
import java.util.regex.Pattern;

/** Field checks shared by every service, each failing with an {@link InvalidInput} that names the field. */
public final class Input {
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}\\p{Cf}&&[^\\u200d]]");

  private Input() {}

  /** A required string of {@code min..max} characters (code points). */
  public static String required(String field, String value, int min, int max) {
    if (value == null) {
      throw InvalidInput.field(field, "is required");
    }
    int length = value.codePointCount(0, value.length());
    if (length < min) {
      throw InvalidInput.field(field, min == 1 ? "must not be empty" : "must be at least " + min + " characters");
    }
    if (length > max) {
      throw InvalidInput.field(field, "must be at most " + max + " characters");
    }
    return value;
  }

  /** A required single-line label: trimmed, no control characters, {@code 1..max} characters. */
  public static String label(String field, String value, int max) {
    String trimmed = required(field, value, 0, max * 2).strip();
    required(field, trimmed, 1, max);
    if (CONTROL.matcher(trimmed).find()) {
      throw InvalidInput.field(field, "must not contain control characters");
    }
    return trimmed;
  }
}
