package io.ultrachat.chat.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SnippetTest {
  private static List<String> marked(Snippet s) {
    return s.highlights().stream().map(h -> s.text().substring(h.start(), h.end())).toList();
  }

  @Test
  void aShortBodyIsShownWholeWithEveryMatchMarked() {
    Snippet s = Snippet.of("Deploy the API, then deployment notes", SearchTerms.parse("api deplo"));

    assertThat(s.text()).isEqualTo("Deploy the API, then deployment notes");
    assertThat(marked(s)).containsExactly("Deploy", "API", "deployment");
    assertThat(s.highlights().getFirst()).isEqualTo(new Snippet.Highlight(0, 6));
  }

  @Test
  void whitespaceRunsBecomeOneSpaceAndOffsetsFollow() {
    Snippet s = Snippet.of("line one\n\n   needle\tthere", SearchTerms.parse("needle"));

    assertThat(s.text()).isEqualTo("line one needle there");
    assertThat(s.highlights()).containsExactly(new Snippet.Highlight(9, 15));
  }

  @Test
  void aLongBodyIsAWindowAroundTheFirstMatchCutAtSpaces() {
    String body = "word ".repeat(100) + "the needle is here " + "more ".repeat(100);
    Snippet s = Snippet.of(body, SearchTerms.parse("needle"));

    assertThat(s.text()).startsWith("…word").endsWith("more…").contains("the needle is here");
    assertThat(s.text().length()).isLessThanOrEqualTo(Snippet.MAX + 2);
    assertThat(marked(s)).containsExactly("needle");
    int needle = s.highlights().getFirst().start();
    assertThat(needle).isBetween(Snippet.LEAD - 10, Snippet.LEAD + 10);
  }

  @Test
  void offsetsCountUtf16UnitsLikeJavaScript() {
    Snippet s = Snippet.of("🎉🎉 party time", SearchTerms.parse("party"));

    assertThat(s.highlights()).containsExactly(new Snippet.Highlight(5, 10));
    assertThat(marked(s)).containsExactly("party");
  }

  @Test
  void aLongBodyWithoutSpacesIsCutWithoutBreakingSurrogatePairs() {
    String body = "🎉".repeat(150) + "needle" + "🎉".repeat(150);
    Snippet s = Snippet.of(body, SearchTerms.parse("needle"));

    assertThat(marked(s)).containsExactly("needle");
    String inner = s.text().substring(1, s.text().length() - 1);
    assertThat(inner.codePoints().allMatch(cp -> cp == "🎉".codePointAt(0) || Character.isLetter(cp))).isTrue();
  }

  @Test
  void markupInABodyIsJustText() {
    Snippet s = Snippet.of("<b>bold</b> & <script>alert(1)</script>", SearchTerms.parse("script"));

    assertThat(s.text()).isEqualTo("<b>bold</b> & <script>alert(1)</script>");
    assertThat(marked(s)).containsExactly("script", "script");
  }
}
