package io.ultrachat.kernel.http;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How an endpoint that takes raw bytes (an upload) wants its body: at most {@code maxBytes}, of
 * one of {@code mediaTypes}. The gateway answers 415 for any other {@code Content-Type} and 413
 * for a longer body (by {@code Content-Length} before reading, or while streaming), before or
 * instead of the handler; the handler reads the body as a stream ({@link ApiRequest#bodyStream()}).
 *
 * @param maxBytes the largest body accepted
 * @param mediaTypes accepted media types: exact ({@code image/png}), a whole top-level type
 *     ({@code audio/*}) or anything ({@code *}{@code /*}); lower case
 */
public record RawBody(long maxBytes, List<String> mediaTypes) {
  private static final Pattern TOKEN = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]{0,126}");

  public RawBody {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative but was " + maxBytes);
    }
    mediaTypes = List.copyOf(mediaTypes);
    if (mediaTypes.isEmpty()) {
      throw new IllegalArgumentException("name at least one accepted media type");
    }
    for (String range : mediaTypes) {
      if (!isRange(range)) {
        throw new IllegalArgumentException("'" + range + "' is not a media type such as image/png, audio/* or */*");
      }
    }
  }

  /** Whether a {@code Content-Type} header value (parameters allowed) is one of the accepted types. */
  public boolean accepts(String contentType) {
    return essence(contentType).map(t -> matches(mediaTypes, t)).orElse(false);
  }

  /** Whether {@code type} (an essence as {@link #essence} gives) falls in one of the {@code ranges}. */
  public static boolean matches(List<String> ranges, String type) {
    int slash = type.indexOf('/');
    for (String range : ranges) {
      if (range.equals("*/*") || range.equals(type)
          || (range.endsWith("/*") && slash > 0 && type.regionMatches(0, range, 0, slash + 1))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The essence of a {@code Content-Type} value, {@code type/subtype} in lower case without
   * parameters; empty if the value is missing or not a media type.
   */
  public static Optional<String> essence(String contentType) {
    if (contentType == null) {
      return Optional.empty();
    }
    int semicolon = contentType.indexOf(';');
    String base = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    int slash = base.indexOf('/');
    if (slash <= 0 || !TOKEN.matcher(base.substring(0, slash)).matches() || !TOKEN.matcher(base.substring(slash + 1)).matches()) {
      return Optional.empty();
    }
    return Optional.of(base);
  }

  /** Whether {@code s} is an exact media type, {@code type/*} or {@code *}{@code /*}. */
  public static boolean isRange(String s) {
    if (s.equals("*/*")) {
      return true;
    }
    if (s.endsWith("/*")) {
      return TOKEN.matcher(s.substring(0, s.length() - 2)).matches();
    }
    return essence(s).filter(s::equals).isPresent();
  }
}
