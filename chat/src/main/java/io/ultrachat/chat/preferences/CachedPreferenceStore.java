package io.ultrachat.chat.preferences;

import io.ultrachat.chat.preferences.Preferences.ConversationOverride;
import io.ultrachat.kernel.cache.Cache;
import java.time.Instant;
import java.util.Optional;

/**
 * Caches each user's whole preferences (the {@code user-preferences} resource), defaults
 * included, so a user who never changed anything is a hit too. Every write through this store
 * invalidates that user's entry, even when it fails, so this node never serves preferences
 * older than its last write.
 */
public final class CachedPreferenceStore implements PreferenceStore {
  private final PreferenceStore store;
  private final Cache<Long, Preferences> cache;

  public CachedPreferenceStore(PreferenceStore store, Cache<Long, Preferences> cache) {
    this.store = store;
    this.cache = cache;
  }

  @Override
  public Preferences get(long userId) {
    return cache.get(userId, id -> Optional.of(store.get(id))).orElseThrow();
  }

  @Override
  public void update(long userId, Update update, Instant at) {
    try {
      store.update(userId, update, at);
    } finally {
      cache.invalidate(userId);
    }
  }

  @Override
  public boolean putConversation(long userId, long conversationId, ConversationOverride override, int limit, Instant at) {
    try {
      return store.putConversation(userId, conversationId, override, limit, at);
    } finally {
      cache.invalidate(userId);
    }
  }

  @Override
  public boolean removeConversation(long userId, long conversationId) {
    try {
      return store.removeConversation(userId, conversationId);
    } finally {
      cache.invalidate(userId);
    }
  }
}
