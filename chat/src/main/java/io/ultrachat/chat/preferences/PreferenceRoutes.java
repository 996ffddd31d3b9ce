package io.ultrachat.chat.preferences;

import io.ultrachat.chat.preferences.Preferences.ConversationOverride;
import io.ultrachat.kernel.error.InvalidInput;
import io.ultrachat.kernel.http.Access;
import io.ultrachat.kernel.http.ApiRequest;
import io.ultrachat.kernel.http.ApiResponse;
import io.ultrachat.kernel.http.Endpoint;
import io.ultrachat.kernel.http.HttpMethod;
import io.ultrachat.kernel.http.Scopes;
import io.ultrachat.kernel.http.ServiceEndpoints;
import io.ultrachat.kernel.id.Ids;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The caller's own preferences: theme, time zone, locale and per-conversation notifications. */
public final class PreferenceRoutes implements ServiceEndpoints {
  static final String PATH = "/api/v1/users/me/preferences";

  /**
   * The PATCH body. A class with setters rather than a record, because a field that is absent
   * (leave it) must be told apart from one that is {@code null} (remove the locale).
   */
  static final class UpdatePreferencesRequest {
    private Optional<String> theme = Optional.empty();
    private Optional<String> timeZone = Optional.empty();
    private boolean themeSet;
    private boolean timeZoneSet;
    private Optional<Optional<String>> locale = Optional.empty();

    public void setTheme(String theme) {
      this.themeSet = true;
      this.theme = Optional.ofNullable(theme);
    }

    public void setTimeZone(String timeZone) {
      this.timeZoneSet = true;
      this.timeZone = Optional.ofNullable(timeZone);
    }

    public void setLocale(String locale) {
      this.locale = Optional.of(Optional.ofNullable(locale));
    }
  }

  record PutConversationRequest(String notifications, Boolean muted) {}

  /** The wire form of {@link Preferences}; {@code locale} is omitted when unset. */
  record PreferencesJson(String theme, String timeZone, Optional<String> locale, Map<String, OverrideJson> conversations) {
    static PreferencesJson of(Preferences p) {
      Map<String, OverrideJson> conversations = new LinkedHashMap<>();
      p.conversations().forEach((id, o) -> conversations.put(Long.toString(id), OverrideJson.of(o)));
      return new PreferencesJson(p.theme().wire(), p.timeZone(), p.locale(), conversations);
    }
  }

  record OverrideJson(String notifications, boolean muted) {
    static OverrideJson of(ConversationOverride o) {
      return new OverrideJson(o.notifications().wire(), o.muted());
    }
  }

  private final PreferenceService preferences;

  public PreferenceRoutes(PreferenceService preferences) {
    this.preferences = preferences;
  }

  @Override
  public List<Endpoint> endpoints() {
    Access read = Access.scoped(Scopes.USERS_READ);
    Access write = Access.scoped(Scopes.USERS_WRITE);
    return List.of(
        Endpoint.of(HttpMethod.GET, PATH, read, r -> ApiResponse.ok(PreferencesJson.of(preferences.get(actor(r))))),
        Endpoint.of(HttpMethod.PATCH, PATH, write, this::update),
        Endpoint.of(HttpMethod.PUT, PATH + "/conversations/{conversationId}", write, this::putConversation),
        Endpoint.of(HttpMethod.DELETE, PATH + "/conversations/{conversationId}", write, r -> {
          preferences.removeConversation(actor(r), conversationId(r));
          return ApiResponse.noContent();
        }));
  }

  private ApiResponse update(ApiRequest r) {
    UpdatePreferencesRequest body = r.body(UpdatePreferencesRequest.class);
    if (body.themeSet && body.theme.isEmpty()) {
      throw InvalidInput.field("theme", "must not be null");
    }
    if (body.timeZoneSet && body.timeZone.isEmpty()) {
      throw InvalidInput.field("timeZone", "must not be null");
    }
    return ApiResponse.ok(PreferencesJson.of(preferences.update(actor(r), body.theme, body.timeZone, body.locale)));
  }

  private ApiResponse putConversation(ApiRequest r) {
    PutConversationRequest body = r.body(PutConversationRequest.class);
    return ApiResponse.ok(PreferencesJson.of(
        preferences.putConversation(actor(r), conversationId(r), body.notifications(), body.muted())));
  }

  private static long actor(ApiRequest r) {
    return r.requirePrincipal().userId();
  }

  private static long conversationId(ApiRequest r) {
    return Ids.parsePathId(r.pathParam("conversationId"), "conversation");
  }
}
