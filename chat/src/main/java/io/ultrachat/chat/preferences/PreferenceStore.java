package io.ultrachat.chat.preferences;

import io.ultrachat.chat.preferences.Preferences.ConversationOverride;
import io.ultrachat.chat.preferences.Preferences.Theme;
import java.time.Instant;
import java.util.Optional;

/**
 * Persistence of user preferences. Thread-safe; each method is atomic. Values are stored as
 * given: validation is the {@link PreferenceService}'s job.
 */
public interface PreferenceStore {
  /** A user's preferences; {@link Preferences#DEFAULTS} if nothing was ever stored for them. */
  Preferences get(long userId);

  /**
   * Changes the named general preferences of a user, leaving the others as they are (or at
   * their defaults if the user has none stored yet).
   */
  void update(long userId, Update update, Instant at);

  /**
   * Which general preferences to change; empty means unchanged. {@code locale} is
   * {@code Optional.of(Optional.empty())} to remove the locale.
   */
  record Update(Optional<Theme> theme, Optional<String> timeZone, Optional<Optional<String>> locale) {
    public boolean isEmpty() {
      return theme.isEmpty() && timeZone.isEmpty() && locale.isEmpty();
    }
  }

  /**
   * Sets the user's override for one conversation, replacing any earlier one, unless that would
   * give the user more than {@code limit} overrides. Concurrent calls for one user cannot
   * together exceed the limit.
   *
   * @return false, storing nothing, if the user already has {@code limit} overrides and none for
   *     this conversation
   */
  boolean putConversation(long userId, long conversationId, ConversationOverride override, int limit, Instant at);

  /** @return false if the user had no override for this conversation */
  boolean removeConversation(long userId, long conversationId);
}
