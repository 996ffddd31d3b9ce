package io.ultrachat.chat.search;

import io.ultrachat.kernel.error.InvalidInput;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The opaque {@code cursor} of a search page: where the next page starts (the last hit's rank
 * and message id, a keyset position, never an offset) and a fingerprint of the search it
 * belongs to, so a cursor replayed with another query or other filters is refused instead of
 * continuing a different result list at a meaningless place. Nothing in it is secret; it is
 * opaque so that its form may change.
 */
final class SearchCursor {
  /** Longer strings are not cursors; refused before decoding. */
  static final int MAX_LENGTH = 128;
  private static final String VERSION = "s1";

  private SearchCursor() {}

  static String encode(SearchStore.Position p, String search) {
    String plain = VERSION + "." + p.rank() + "." + p.messageId() + "." + fingerprint(search);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * The position a cursor names.
   *
   * @throws InvalidInput if it is not a cursor, or one of another search
   */
  static SearchStore.Position decode(String cursor, String search) {
    String[] parts = parts(cursor).orElseThrow(SearchCursor::invalid);
    if (!parts[3].equals(fingerprint(search))) {
      throw InvalidInput.field("cursor", "belongs to another search; start again without a cursor");
    }
    try {
      int rank = Integer.parseInt(parts[1]);
      long id = Long.parseLong(parts[2]);
      if (rank < SearchStore.RANK_PREFIX || rank > SearchStore.RANK_PHRASE || id < 0) {
        throw invalid();
      }
      return new SearchStore.Position(rank, id);
    } catch (NumberFormatException e) {
      throw invalid();
    }
  }

  private static Optional<String[]> parts(String cursor) {
    if (cursor.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    String plain;
    try {
      plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    String[] parts = plain.split("\\.", -1);
    return parts.length == 4 && parts[0].equals(VERSION) ? Optional.of(parts) : Optional.empty();
  }

  private static InvalidInput invalid() {
    return InvalidInput.field("cursor", "is not a cursor from a search result's nextCursor");
  }

  private static String fingerprint(String search) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(search.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
