package io.ultrachat.chat.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ultrachat.kernel.error.InvalidInput;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchTermsTest {
  @Test
  void wordsAreRunsOfLettersAndDigitsAndEverythingElseSeparates() {
    assertThat(SearchTerms.parse("  Deploy the API!  ").words()).containsExactly("Deploy", "the", "API");
    assertThat(SearchTerms.parse("bob@example.com").words()).containsExactly("bob", "example", "com");
    assertThat(SearchTerms.parse("\"NEAR(a* AND b)\" -c ^d:e").words()).containsExactly("NEAR", "a", "AND", "b", "c", "d", "e");
    assertThat(SearchTerms.parse("école 日本語 v1.2").words()).containsExactly("école", "日本語", "v1", "2");
  }

  @Test
  void theLastWordIsAPrefixFromTwoCharacters() {
    assertThat(SearchTerms.parse("deploy ap").prefixLast()).isTrue();
    assertThat(SearchTerms.parse("deploy a").prefixLast()).isFalse();
    assertThat(SearchTerms.parse("ab").matches("ABOUT")).isTrue();
    assertThat(SearchTerms.parse("ab cd").matches("abc")).as("only the last word is a prefix").isFalse();
    assertThat(SearchTerms.parse("ab cd").matches("AB")).isTrue();
  }

  @Test
  void refusesWhatCannotBeSearched() {
    for (String q : List.of("", "   ", "\"", "*", "()", "-- !!", "…")) {
      assertThatThrownBy(() -> SearchTerms.parse(q)).as(q).isInstanceOf(InvalidInput.class).hasMessageContaining("q");
    }
    assertThatThrownBy(() -> SearchTerms.parse(null)).isInstanceOf(InvalidInput.class);
    assertThatThrownBy(() -> SearchTerms.parse("x".repeat(257))).isInstanceOf(InvalidInput.class).hasMessageContaining("256");
    assertThat(SearchTerms.parse("x".repeat(256)).words()).hasSize(1);
    assertThatThrownBy(() -> SearchTerms.parse("a ".repeat(17))).isInstanceOf(InvalidInput.class).hasMessageContaining("16 words");
  }

  @Test
  void theStoresQueryTextsQuoteEveryWord() {
    SearchTerms terms = SearchTerms.parse("AND(near) o'brien");
    assertThat(PostgresSearchStore.tsquery(terms)).isEqualTo("'AND' & 'near' & 'o' & 'brien':*");
    assertThat(SqliteSearchStore.words(terms, true)).isEqualTo("\"AND\" \"near\" \"o\" \"brien\" *");
    assertThat(SqliteSearchStore.phrase(terms)).isEqualTo("\"AND near o brien\"");
  }
}
