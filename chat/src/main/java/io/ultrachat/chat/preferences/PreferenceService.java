package io.ultrachat.chat.preferences;

import io.ultrachat.chat.conversation.ConversationService;
import io.ultrachat.chat.preferences.Preferences.ConversationOverride;
import io.ultrachat.chat.preferences.Preferences.Notifications;
import io.ultrachat.chat.preferences.Preferences.Theme;
import io.ultrachat.kernel.error.Conflict;
import io.ultrachat.kernel.error.InvalidInput;
import io.ultrachat.kernel.error.NotFound;
import io.ultrachat.kernel.time.Clocks;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Optional;

/**
 * A user's own preferences. Everyone may read and change only their own; a conversation
 * override needs a conversation the user may see ({@link ConversationService#view}).
 *
 * <p>Overrides are kept when the user later loses sight of the conversation (they are the
 * user's own settings and name only ids the user once saw); they can still be removed.
 */
public final class PreferenceService {
  /** Most conversation overrides one user may have. */
  public static final int CONVERSATION_OVERRIDES_MAX = 1_000;
  /** Longest accepted locale tag, in characters. */
  public static final int LOCALE_MAX = 35;

  private final PreferenceStore store;
  private final ConversationService conversations;
  private final Clock clock;
  private final int overridesMax;

  public PreferenceService(PreferenceStore store, ConversationService conversations, Clock clock) {
    this(store, conversations, clock, CONVERSATION_OVERRIDES_MAX);
  }

  /** @param overridesMax most conversation overrides per user; only tests use another value than the default */
  PreferenceService(PreferenceStore store, ConversationService conversations, Clock clock, int overridesMax) {
    if (overridesMax < 1) {
      throw new IllegalArgumentException("overridesMax must be at least 1 but was " + overridesMax);
    }
    this.store = store;
    this.conversations = conversations;
    this.clock = clock;
    this.overridesMax = overridesMax;
  }

  public Preferences get(long actor) {
    return store.get(actor);
  }

  /**
   * Changes any of theme, time zone and locale. Every value is checked before anything is stored.
   *
   * @param theme {@code system}, {@code light} or {@code dark}; empty to leave it
   * @param timeZone an IANA region id; empty to leave it
   * @param locale a canonical BCP 47 tag, or {@code Optional.of(Optional.empty())} to remove it; empty to leave it
   * @throws InvalidInput naming the first bad field, or if nothing is named
   */
  public Preferences update(long actor, Optional<String> theme, Optional<String> timeZone, Optional<Optional<String>> locale) {
    if (theme.isEmpty() && timeZone.isEmpty() && locale.isEmpty()) {
      throw new InvalidInput("invalid-input", "name one of: theme, timeZone, locale");
    }
    PreferenceStore.Update update = new PreferenceStore.Update(theme.map(PreferenceService::theme),
        timeZone.map(PreferenceService::timeZone), locale.map(l -> l.map(PreferenceService::locale)));
    store.update(actor, update, Clocks.nowMillis(clock));
    return store.get(actor);
  }

  /**
   * Sets the caller's override for a conversation they may see.
   *
   * @throws InvalidInput if {@code notifications} or {@code muted} is missing or bad
   * @throws NotFound {@code conversation-not-found} if the caller may not see the conversation
   * @throws Conflict {@code too-many-overrides} if the caller already has the most overrides allowed
   */
  public Preferences putConversation(long actor, long conversationId, String notifications, Boolean muted) {
    Notifications n = notifications(notifications);
    if (muted == null) {
      throw InvalidInput.field("muted", "is required");
    }
    conversations.view(actor, conversationId);
    if (!store.putConversation(actor, conversationId, new ConversationOverride(n, muted), overridesMax, Clocks.nowMillis(clock))) {
      throw new Conflict("too-many-overrides",
          "at most " + overridesMax + " conversation overrides per user; remove one before adding another");
    }
    return store.get(actor);
  }

  /** @throws NotFound {@code override-not-found} if the caller has no override for that conversation */
  public void removeConversation(long actor, long conversationId) {
    if (!store.removeConversation(actor, conversationId)) {
      throw new NotFound("override-not-found", "you have no preferences for that conversation");
    }
  }

  private static Theme theme(String raw) {
    try {
      return Theme.fromWire(raw);
    } catch (IllegalArgumentException e) {
      throw InvalidInput.field("theme", "must be system, light or dark");
    }
  }

  private static Notifications notifications(String raw) {
    if (raw == null) {
      throw InvalidInput.field("notifications", "is required");
    }
    try {
      return Notifications.fromWire(raw);
    } catch (IllegalArgumentException e) {
      throw InvalidInput.field("notifications", "must be all, mentions or none");
    }
  }

  /** IANA region ids only: fixed offsets ("+02:00", "UTC+1") are refused, as they ignore daylight saving. */
  private static String timeZone(String raw) {
    if (!ZoneId.getAvailableZoneIds().contains(raw)) {
      throw InvalidInput.field("timeZone", "must be an IANA time zone id such as Europe/Berlin");
    }
    ZoneId.of(raw);
    return raw;
  }

  /** Canonical BCP 47 tags only ("en-US", not "en_us"), so stored values compare equal. */
  private static String locale(String raw) {
    if (raw.length() > LOCALE_MAX || raw.equals("und") || !Locale.forLanguageTag(raw).toLanguageTag().equals(raw)) {
      throw InvalidInput.field("locale", "must be a BCP 47 language tag in canonical form such as en-US, at most "
          + LOCALE_MAX + " characters");
    }
    return raw;
  }
}
