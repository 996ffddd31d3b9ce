package io.ultrachat.chat.message;

import io.ultrachat.kernel.cache.Cache;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Caches history read backwards ({@link #before}), the seed's {@code chat-messages} resource: the
 * newest messages of each conversation, kept current as messages are appended, and the older
 * pages people scroll back through.
 *
 * <p>Design notes. <b>The tail.</b> Each conversation has at most one cached <em>tail</em>: a
 * window of up to {@value #TAIL_MAX} contiguous messages ending at the newest one this node has
 * seen. Reads whose range lies inside it are cut from it; an append on this node extends it
 * (write-through) when the new message directly follows its end, so the newest page stays a hit
 * while a conversation is busy. A read for messages newer than the tail (the tail missed an
 * append: another node wrote it, or two appends raced) reloads the tail. A tail is only ever a
 * contiguous run of committed messages, so a stale tail can be incomplete at its new end, which a
 * read notices (the reader asks for positions beyond it), but never wrong inside.
 *
 * <p><b>Older pages</b> are cached under a key of the conversation, their position and size.
 * Appends only add after every such page, so they never invalidate them.
 *
 * <p><b>Versions.</b> Every key also carries the conversation's current version. Edits and
 * deletes change messages inside cached ranges, so they give the conversation a new version,
 * which no cached range carries. A conversation without a recorded version (never seen, or its
 * version was evicted) gets a fresh one that has never been used, so eviction can never
 * resurrect a stale range. Versions are random 63-bit numbers rather than a counter, because in
 * a cluster the versions cache is shared (and invalidated on write) between nodes whose counters
 * would repeat each other's values; the history ranges themselves stay on each node.
 *
 * <p><b>Counting.</b> Each read is one counted lookup of the cache (a hit when cached messages
 * serve it); deciding whether the tail or a page serves it uses an uncounted {@link Cache#peek}.
 *
 * <p>Reactions, pins and mentions are not part of the cached {@link Message}: they are read per
 * request ({@link MessageExtras}), so changing them needs no invalidation here. Neither is a
 * thread's summary: a reply is an append and its root's {@code thread} summary is an extra, so
 * replies never bump the version.
 */
public final class CachedMessageStore implements MessageStore {
  /** Most messages a tail holds: the newest five default pages. */
  static final int TAIL_MAX = 256;

  private final MessageStore store;
  private final Cache<String, Range> ranges;
  private final Cache<Long, Long> versions;

  /**
   * A contiguous run of messages, ascending by seq, that holds every stored message with a seq
   * from {@code start} to {@code end}; {@code fromStart} says nothing is stored before {@code start}.
   */
  public record Range(List<Message> messages, long start, long end, boolean fromStart) {
    public Range {
      messages = List.copyOf(messages);
    }

    /** The window that {@code store.before(c, before, limit)} returned. */
    static Range loaded(List<Message> page, long before, int limit) {
      if (page.isEmpty()) {
        // Nothing before `before`, but later messages below it may still come: claim no position.
        return new Range(page, 1, 0, true);
      }
      // Sequences are gapless past what retention removed at the start; keep only a contiguous
      // end should that ever not hold, so a slice's position is always its index.
      int from = page.size() - 1;
      while (from > 0 && page.get(from - 1).seq() == page.get(from).seq() - 1) {
        from--;
      }
      List<Message> run = page.subList(from, page.size());
      return new Range(run, run.getFirst().seq(), run.getLast().seq(), from == 0 && page.size() < limit);
    }

    boolean newerThanEnd(long before) {
      return before - 1 > end;
    }

    boolean covers(long before, int limit) {
      return !newerThanEnd(before) && (fromStart || before - limit >= start);
    }

    /** The messages with a seq from {@code before - limit} to {@code before - 1}; only if {@link #covers}. */
    List<Message> slice(long before, int limit) {
      long from = Math.max(before - limit, start);
      if (messages.isEmpty() || before <= from) {
        return List.of();
      }
      int i = (int) (from - start);
      int j = (int) (before - start);
      return messages.subList(Math.max(0, i), Math.min(messages.size(), j));
    }

    /** This range with the next message appended, keeping at most {@code max} messages. */
    Range plus(Message next, int max) {
      List<Message> grown = new ArrayList<>(messages.size() + 1);
      grown.addAll(messages);
      grown.add(next);
      boolean trimmed = grown.size() > max;
      List<Message> kept = trimmed ? grown.subList(grown.size() - max, grown.size()) : grown;
      return new Range(kept, kept.getFirst().seq(), next.seq(), fromStart && !trimmed);
    }
  }

  public CachedMessageStore(MessageStore store, Cache<String, Range> ranges, Cache<Long, Long> versions) {
    this.store = store;
    this.ranges = ranges;
    this.versions = versions;
  }

  private long version(long conversationId) {
    return versions.get(conversationId, id -> Optional.of(freshVersion())).orElseThrow();
  }

  private void bump(long conversationId) {
    versions.put(conversationId, freshVersion());
  }

  private static long freshVersion() {
    return ThreadLocalRandom.current().nextLong(Long.MAX_VALUE);
  }

  private static String tailKey(long conversationId, long version) {
    return conversationId + ":" + version + ":tail";
  }

  /**
   * Forgets the cached messages of a conversation whose messages were removed around this store
   * (retention deletes rows directly), so this node's next read goes to the database.
   */
  public void invalidate(long conversationId) {
    bump(conversationId);
  }

  /** Forgets every cached message, e.g. after retention dropped whole partitions. */
  public void invalidateAll() {
    ranges.invalidateAll();
  }

  @Override
  public Appended append(NewMessage message) {
    Appended appended = store.append(message);
    if (!appended.replayed()) {
      extendTail(appended.message());
    }
    return appended;
  }

  /** Write-through: a committed message that directly follows the cached tail joins it. */
  private void extendTail(Message m) {
    String key = tailKey(m.conversationId(), version(m.conversationId()));
    ranges.peek(key).ifPresent(tail -> {
      if (m.seq() == tail.end() + 1) {
        ranges.put(key, tail.plus(m, TAIL_MAX));
      }
    });
  }

  @Override
  public Optional<Message> find(long conversationId, long messageId) {
    return store.find(conversationId, messageId);
  }

  @Override
  public Optional<Message> findByClientId(long conversationId, long userId, String clientId) {
    return store.findByClientId(conversationId, userId, clientId);
  }

  @Override
  public List<Message> before(long conversationId, long before, int limit) {
    return before(conversationId, before, limit, Optional.empty());
  }

  /**
   * A reader's pages may be filled from a replica: shared with every reader, they stay correct
   * because edits and deletions are recorded under the conversation's key that such a read must
   * see (see {@link Reader}), and a tail that ends before the newest message is reloaded.
   */
  @Override
  public List<Message> before(long conversationId, long before, int limit, Reader reader) {
    return before(conversationId, before, limit, Optional.of(reader));
  }

  private List<Message> load(long conversationId, long before, int limit, Optional<Reader> reader) {
    return reader.isPresent() ? store.before(conversationId, before, limit, reader.get()) : store.before(conversationId, before, limit);
  }

  private List<Message> before(long conversationId, long before, int limit, Optional<Reader> reader) {
    long version = version(conversationId);
    String tailKey = tailKey(conversationId, version);
    Optional<Range> tail = ranges.peek(tailKey);
    if (tail.isPresent() && !tail.get().covers(before, limit) && !tail.get().newerThanEnd(before)) {
      // Older than the tail: a page of its own.
      String key = conversationId + ":" + version + ":" + before + ":" + limit;
      return ranges.get(key, k -> Optional.of(Range.loaded(load(conversationId, before, limit, reader), before, limit)))
          .orElseThrow().messages();
    }
    if (tail.isPresent() && tail.get().covers(before, limit)) {
      Optional<Range> counted = ranges.getIfPresent(tailKey);
      if (counted.isPresent() && counted.get().covers(before, limit)) {
        return counted.get().slice(before, limit);
      }
    } else if (tail.isPresent()) {
      // The tail missed newer messages: replace it, and count the read as the miss it is.
      ranges.invalidate(tailKey);
    }
    int window = Math.max(TAIL_MAX, limit);
    Range loaded = ranges.get(tailKey, k -> Optional.of(Range.loaded(load(conversationId, before, window, reader), before, window)))
        .orElseThrow();
    if (loaded.covers(before, limit)) {
      return loaded.slice(before, limit);
    }
    return load(conversationId, before, limit, reader);
  }
  /** Not cached: replies are few per read and a thread's pages would change with every reply. */
  @Override
  public List<Message> replies(long conversationId, long rootId, long after, int limit) {
    return store.replies(conversationId, rootId, after, limit);
  }

  @Override
  public List<Message> after(long conversationId, long after, int limit) {
    return store.after(conversationId, after, limit);
  }

  @Override
  public List<Message> after(long conversationId, long after, int limit, Reader reader) {
    return store.after(conversationId, after, limit, reader);
  }

  @Override
  public Optional<Message> edit(long conversationId, long messageId, String body, Instant at, Mentions mentions) {
    try {
      return store.edit(conversationId, messageId, body, at, mentions);
    } finally {
      bump(conversationId);
    }
  }

  @Override
  public Optional<Message> delete(long conversationId, long messageId, Instant at) {
    try {
      return store.delete(conversationId, messageId, at);
    } finally {
      bump(conversationId);
    }
  }
}
