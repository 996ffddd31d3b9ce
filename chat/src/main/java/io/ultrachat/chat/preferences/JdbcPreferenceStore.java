package io.ultrachat.chat.preferences;

import io.ultrachat.chat.preferences.Preferences.ConversationOverride;
import io.ultrachat.chat.preferences.Preferences.Notifications;
import io.ultrachat.chat.preferences.Preferences.Theme;
import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.Sql;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link PreferenceStore} on SQLite or PostgreSQL.
 *
 * <p>The override limit is kept per user by serialising that user's override writes on their
 * {@code chat_user_preferences} row: each write first makes sure the row exists, then updates
 * it, which holds the row lock on PostgreSQL until commit (SQLite runs writers one at a time
 * anyway). The count-then-insert that follows therefore cannot race another one for the same user.
 */
public final class JdbcPreferenceStore implements PreferenceStore {
  private final Database db;

  public JdbcPreferenceStore(Database db) {
    this.db = db;
  }

  @Override
  public Preferences get(long userId) {
    return db.read(sql -> {
      Optional<Preferences> general = sql.queryOne("SELECT theme, time_zone, locale FROM chat_user_preferences WHERE user_id = ?",
          rs -> new Preferences(Theme.fromWire(rs.getString("theme")), rs.getString("time_zone"),
              Sql.optionalString(rs, "locale"), new TreeMap<>()), userId);
      Map<Long, ConversationOverride> overrides = new TreeMap<>();
      sql.query("SELECT conversation_id, notifications, muted FROM chat_conversation_preferences WHERE user_id = ?",
          rs -> Map.entry(rs.getLong("conversation_id"),
              new ConversationOverride(Notifications.fromWire(rs.getString("notifications")), rs.getBoolean("muted"))), userId)
          .forEach(e -> overrides.put(e.getKey(), e.getValue()));
      Preferences p = general.orElse(Preferences.DEFAULTS);
      return new Preferences(p.theme(), p.timeZone(), p.locale(), overrides);
    });
  }

  @Override
  public void update(long userId, Update update, Instant at) {
    db.write(sql -> {
      ensureRow(sql, userId, at);
      // One statement per call: a field not named keeps its stored value.
      return sql.update("UPDATE chat_user_preferences SET"
              + " theme = COALESCE(CAST(? AS TEXT), theme),"
              + " time_zone = COALESCE(CAST(? AS TEXT), time_zone),"
              + " locale = CASE WHEN ? = 1 THEN CAST(? AS TEXT) ELSE locale END,"
              + " updated_at = ? WHERE user_id = ?",
          update.theme().map(Theme::wire).orElse(null), update.timeZone().orElse(null),
          update.locale().isPresent() ? 1 : 0, update.locale().flatMap(l -> l).orElse(null), sql.time(at), userId);
    });
  }

  @Override
  public boolean putConversation(long userId, long conversationId, ConversationOverride override, int limit, Instant at) {
    return db.write(sql -> {
      ensureRow(sql, userId, at);
      // Takes the user's row lock (PostgreSQL) so that concurrent puts of one user count one at a time.
      sql.update("UPDATE chat_user_preferences SET updated_at = updated_at WHERE user_id = ?", userId);
      boolean exists = sql.queryOne("SELECT 1 FROM chat_conversation_preferences WHERE user_id = ? AND conversation_id = ?",
          rs -> true, userId, conversationId).isPresent();
      if (!exists) {
        long count = sql.queryOne("SELECT COUNT(*) FROM chat_conversation_preferences WHERE user_id = ?",
            rs -> rs.getLong(1), userId).orElse(0L);
        if (count >= limit) {
          return false;
        }
      }
      sql.update("INSERT INTO chat_conversation_preferences (user_id, conversation_id, notifications, muted, updated_at)"
              + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, conversation_id) DO UPDATE SET"
              + " notifications = excluded.notifications, muted = excluded.muted, updated_at = excluded.updated_at",
          userId, conversationId, override.notifications().wire(), override.muted(), sql.time(at));
      return true;
    });
  }

  @Override
  public boolean removeConversation(long userId, long conversationId) {
    return db.write(sql -> sql.update("DELETE FROM chat_conversation_preferences WHERE user_id = ? AND conversation_id = ?",
        userId, conversationId)) == 1;
  }

  private static void ensureRow(Sql sql, long userId, Instant at) throws SQLException {
    sql.update("INSERT INTO chat_user_preferences (user_id, theme, time_zone, locale, updated_at) VALUES (?, ?, ?, NULL, ?)"
            + " ON CONFLICT (user_id) DO NOTHING",
        userId, Preferences.DEFAULTS.theme().wire(), Preferences.DEFAULTS.timeZone(), sql.time(at));
  }
}
