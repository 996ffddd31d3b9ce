package io.ultrachat.chat.message;

import java.util.List;

/**
 * Who a history or search read is for. A store on a database with a read replica may serve such
 * a read from the replica, but the result always includes every write this user made through
 * this node, and every edit and deletion in the conversation read made through this node
 * (read-your-writes). Reads without a reader see every committed write (the primary).
 *
 * <p>Chat stores record their writes under the keys below ({@link #userKey}, {@link
 * #conversationKey}); a read asks for the keys of its reader and, for history, its conversation.
 * Edits and deletions are recorded under the conversation because history pages are cached and
 * shared by all readers: a page filled from a replica that has not replayed an edit would keep
 * serving the old text, even to its author, long after the replica caught up. Appends need no
 * such key: a page that ends before the newest message is noticed and reloaded (see
 * {@link CachedMessageStore}).
 *
 * @param userId the reading user
 */
public record Reader(long userId) {
  /** The writer key of a user's own writes. */
  public static String userKey(long userId) {
    return "user:" + userId;
  }

  /** The writer key of edits and deletions in a conversation. */
  public static String conversationKey(long conversationId) {
    return "conversation:" + conversationId;
  }

  /** The keys a read of a conversation's history must see. */
  public List<String> writersIn(long conversationId) {
    return List.of(userKey(userId), conversationKey(conversationId));
  }
}
