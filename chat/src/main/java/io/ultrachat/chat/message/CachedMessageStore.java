package io.ultrachat.chat.message;

import io.ultrachat.kernel.cache.Cache;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Caches history pages read backwards ({@link #before}), the seed's {@code chat-messages}
 * resource: the latest page of a conversation and the pages people scroll back through.
 *
 * <p>Design notes. A page's key holds the conversation, its position and size, and the
 * conversation's current <em>version</em>. Appends need no invalidation: they only add
 * messages after every cached page's end, and the latest page's position moves with the
 * conversation's last sequence number. Edits and deletes change messages inside pages, so they
 * give the conversation a new version, which no cached page carries. A conversation without a
 * recorded version (never seen, or its version was evicted) gets a fresh one that has never
 * been used, so eviction can never resurrect a stale page.
 *
 * <p>Reactions, pins and mentions are not part of the cached {@link Message}: they are read per
 * request ({@link MessageExtras}), so changing them needs no invalidation here. Neither is a
 * thread's summary: a reply is an append (it only adds a message after every page) and its root's
 * {@code thread} summary is an extra, so replies never bump the version.
 */
public final class CachedMessageStore implements MessageStore {
  private final MessageStore store;
  private final Cache<String, List<Message>> pages;
  private final Cache<Long, Long> versions;
  private final AtomicLong nextVersion = new AtomicLong();

  public CachedMessageStore(MessageStore store, Cache<String, List<Message>> pages, Cache<Long, Long> versions) {
    this.store = store;
    this.pages = pages;
    this.versions = versions;
  }

  private long version(long conversationId) {
    return versions.get(conversationId, id -> Optional.of(nextVersion.incrementAndGet())).orElseThrow();
  }

  private void bump(long conversationId) {
    versions.put(conversationId, nextVersion.incrementAndGet());
  }

  /**
   * Forgets the cached pages of a conversation whose messages were removed around this store
   * (retention deletes rows directly), so this node's next read goes to the database.
   */
  public void invalidate(long conversationId) {
    bump(conversationId);
  }

  /** Forgets every cached page, e.g. after retention dropped whole partitions. */
  public void invalidateAll() {
    pages.invalidateAll();
  }

  @Override
  public Appended append(NewMessage message) {
    return store.append(message);
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
    String key = conversationId + ":" + version(conversationId) + ":" + before + ":" + limit;
    return pages.get(key, k -> Optional.of(List.copyOf(store.before(conversationId, before, limit)))).orElseThrow();
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
