package io.ultrachat.chat.search;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * The part of a message body shown in a search result, as plain text, with the words the search
 * matched marked by offsets rather than markup, so a client renders it without ever parsing
 * HTML from message text.
 *
 * <p>Offsets are {@code [start, end)} in UTF-16 code units, which is how JavaScript indexes
 * strings. A body of up to {@value #MAX} code units is shown whole; a longer one as a window of
 * about that size that starts a little before the first match, cut at spaces where possible,
 * with {@code …} where text was left out. Runs of whitespace (line breaks included) become one
 * space, so a snippet is one line.
 */
public record Snippet(String text, List<Highlight> highlights) {
  /** Most code units of the body a snippet shows. */
  public static final int MAX = 200;
  /** How much text before the first match a long body's window keeps. */
  static final int LEAD = 60;
  private static final String ELLIPSIS = "…";

  public Snippet {
    highlights = List.copyOf(highlights);
  }

  /** One matched word: {@code [start, end)} in the snippet's text. */
  public record Highlight(int start, int end) {}

  /** The snippet of a body for a search. */
  public static Snippet of(String body, SearchTerms terms) {
    int start = 0;
    int end = body.length();
    if (body.length() > MAX) {
      int first = firstMatch(body, terms);
      start = Math.max(0, first - LEAD);
      if (start > 0) {
        // Start after a space rather than inside a word, unless the match itself is that far.
        for (int i = start; i < first; i++) {
          if (Character.isWhitespace(body.charAt(i))) {
            start = i + 1;
            break;
          }
        }
      }
      end = Math.min(body.length(), start + MAX);
      if (end < body.length()) {
        for (int i = end; i > Math.max(start, first); i--) {
          if (Character.isWhitespace(body.charAt(i))) {
            end = i;
            break;
          }
        }
      }
      // Never split a surrogate pair.
      if (start > 0 && Character.isLowSurrogate(body.charAt(start))) {
        start++;
      }
      if (end < body.length() && end > start && Character.isHighSurrogate(body.charAt(end - 1))) {
        end--;
      }
    }
    StringBuilder text = new StringBuilder();
    if (start > 0) {
      text.append(ELLIPSIS);
    }
    text.append(body.substring(start, end).strip().replaceAll("(?U)\\s+", " "));
    if (end < body.length()) {
      text.append(ELLIPSIS);
    }
    String shown = text.toString();
    return new Snippet(shown, highlights(shown, terms));
  }

  private static int firstMatch(String body, SearchTerms terms) {
    Matcher m = SearchTerms.wordPattern().matcher(body);
    while (m.find()) {
      if (terms.matches(m.group())) {
        return m.start();
      }
    }
    return 0;
  }

  private static List<Highlight> highlights(String text, SearchTerms terms) {
    List<Highlight> out = new ArrayList<>();
    Matcher m = SearchTerms.wordPattern().matcher(text);
    while (m.find()) {
      if (terms.matches(m.group())) {
        out.add(new Highlight(m.start(), m.end()));
      }
    }
    return out;
  }
}
