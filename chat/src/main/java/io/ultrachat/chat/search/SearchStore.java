package io.ultrachat.chat.search;

import io.ultrachat.chat.message.Reader;
import io.ultrachat.store.jdbc.Database;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Full-text search over message bodies. Thread-safe.
 *
 * <p>The store decides what matches and in which order; who may read what is decided before:
 * a query names the conversations it may look in, and nothing outside them is ever read.
 *
 * <p>Order: by {@link Hit#rank()} descending (a closer match first), then newest first (by
 * message id, which is time-ordered). Ranks are exact integers that depend only on the message
 * and the query, never on the rest of the corpus, so pages continued from a {@link Position}
 * neither skip nor repeat hits while messages arrive.
 */
public interface SearchStore {
  /** An exact phrase of all the words, in the order typed. */
  int RANK_PHRASE = 2;
  /** Every word as a whole word. */
  int RANK_WORDS = 1;
  /** Every word, the last one only as a prefix. */
  int RANK_PREFIX = 0;

  /**
   * What to find.
   *
   * @param conversationIds where to look; empty finds nothing
   * @param authorId only messages by this user
   * @param from only messages created at or after this instant
   * @param to only messages created before this instant
   * @param after continue after this hit of an earlier page
   * @param limit most hits to return, at least 1
   */
  record Query(SearchTerms terms, List<Long> conversationIds, Optional<Long> authorId, Optional<Instant> from,
      Optional<Instant> to, Optional<Position> after, int limit) {
    public Query {
      conversationIds = List.copyOf(conversationIds);
      if (limit < 1) {
        throw new IllegalArgumentException("limit must be at least 1, was " + limit);
      }
    }
  }

  /** A place in the order of hits: its rank and message id. */
  record Position(int rank, long messageId) {}

  /** A live (not deleted) message that matches. */
  record Hit(long conversationId, long messageId, int rank) {
    public Position position() {
      return new Position(rank, messageId);
    }
  }

  /** Up to {@code limit} hits in order, after {@link Query#after()} if given; sees every committed message. */
  List<Hit> search(Query query);

  /**
   * {@link #search(Query)} for a reader: possibly from a read replica, but including every
   * message the reader wrote through this node (see {@link Reader}). A store without a replica
   * searches as for nobody in particular.
   */
  default List<Hit> search(Query query, Reader reader) {
    return search(query);
  }

  /** The implementation for a database's dialect. */
  static SearchStore on(Database db) {
    return switch (db.dialect()) {
      case POSTGRESQL -> new PostgresSearchStore(db);
      case SQLITE -> new SqliteSearchStore(db);
    };
  }
}
