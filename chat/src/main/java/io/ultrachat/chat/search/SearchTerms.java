package io.ultrachat.chat.search;

import io.ultrachat.kernel.error.InvalidInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The words of a search, parsed from what the user typed. Nothing the user types is ever query
 * syntax: a word is a run of Unicode letters and digits, everything else (quotes, {@code *},
 * parentheses, {@code -}, operators' punctuation) only separates words, and the stores quote
 * each word before handing it to the database. {@code AND}, {@code NEAR} and the like are
 * therefore ordinary words.
 *
 * <p>Words are what both indexes store: SQLite's unicode61 tokenizer and PostgreSQL's parser
 * (after ASCII punctuation has been turned into spaces) both split text into runs of letters
 * and digits, so a word typed here is a word the index knows.
 *
 * <p>A message matches when it contains every word; the last word also matches as a prefix
 * ({@code "deplo"} finds "deployment") once it has {@value #PREFIX_MIN} characters, so results
 * can follow typing.
 *
 * @param words the words, in the order typed, as typed (the databases fold case themselves)
 * @param prefixLast whether the last word also matches as a prefix
 */
public record SearchTerms(List<String> words, boolean prefixLast) {
  /** Longest query, in characters (code points). */
  public static final int QUERY_MAX = 256;
  /** Most words in a query. */
  public static final int WORDS_MAX = 16;
  /** Shortest last word that also matches as a prefix: one letter would match most of the index. */
  public static final int PREFIX_MIN = 2;

  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

  public SearchTerms {
    words = List.copyOf(words);
    if (words.isEmpty()) {
      throw new IllegalArgumentException("a search needs at least one word");
    }
  }

  /**
   * Parses the {@code q} parameter.
   *
   * @throws InvalidInput if it is missing, blank, longer than {@value #QUERY_MAX} characters,
   *     has no letter or digit, or has more than {@value #WORDS_MAX} words
   */
  public static SearchTerms parse(String q) {
    if (q == null || q.isBlank()) {
      throw InvalidInput.field("q", "is required: the words to search for");
    }
    if (q.codePointCount(0, q.length()) > QUERY_MAX) {
      throw InvalidInput.field("q", "must be at most " + QUERY_MAX + " characters");
    }
    List<String> words = words(q);
    if (words.isEmpty()) {
      throw InvalidInput.field("q", "must contain a word (letters or digits)");
    }
    if (words.size() > WORDS_MAX) {
      throw InvalidInput.field("q", "must have at most " + WORDS_MAX + " words");
    }
    String last = words.getLast();
    return new SearchTerms(words, last.codePointCount(0, last.length()) >= PREFIX_MIN);
  }

  /** The words of a text, in order. */
  static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = WORD.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /** The words joined by single spaces: plain text that contains no syntax of any kind. */
  public String text() {
    return String.join(" ", words);
  }

  /** Whether a word of a message is one this search matches (what the highlights mark). */
  boolean matches(String word) {
    String w = word.toLowerCase(Locale.ROOT);
    for (int i = 0; i < words.size(); i++) {
      String term = words.get(i).toLowerCase(Locale.ROOT);
      if (w.equals(term) || (prefixLast && i == words.size() - 1 && w.startsWith(term))) {
        return true;
      }
    }
    return false;
  }

  /** The pattern that finds words in a message, for highlighting. */
  static Pattern wordPattern() {
    return WORD;
  }
}
