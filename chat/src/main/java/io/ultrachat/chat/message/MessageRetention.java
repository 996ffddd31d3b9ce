package io.ultrachat.chat.message;

import io.ultrachat.chat.workspace.Workspace;
import io.ultrachat.chat.workspace.WorkspaceStore;
import io.ultrachat.store.jdbc.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-workspace retention: deletes each workspace's messages older than its
 * {@link Workspace#retentionDays()}, on both backends. (The global {@code chat.message-retention}
 * is {@link MessagePartitions#dropEndingBefore}, whole partitions on PostgreSQL; this one cuts
 * at any instant, so it deletes rows.)
 *
 * <p>Messages go in batches of at most {@value #BATCH} per transaction, so no transaction is long
 * and other writers (on SQLite, the one writer at a time) are never held up for more than a
 * batch. A batch is found through the conversation's index by sequence: its {@value #BATCH}
 * oldest messages, of which those created before the cutoff go, and the purge of a conversation
 * ends at the first page with nothing to delete. Sequence follows creation time (both are taken
 * as a message is sent; nodes' clocks may disagree by milliseconds), so a conversation's expired
 * messages are the start of its sequence, and a message that a clock skew left behind a newer
 * one goes at the next run. Each batch takes with its messages everything that refers to them:
 * idempotency-key rows, reactions, mentions, pins, a root's thread summary and a reply's link to
 * its root. Replies are never older than their root, so a purged reply's root is purged too; a
 * root can go while newer replies stay (they keep their {@code threadRootId}), as with partition
 * retention. On SQLite the search index follows by trigger; on PostgreSQL it lives in the rows.
 *
 * <p>Runs on the maintenance thread; safe to run concurrently with traffic and on several nodes
 * (a batch that finds nothing left to delete does nothing).
 */
public final class MessageRetention {
  private static final Logger LOG = LoggerFactory.getLogger(MessageRetention.class);
  static final int BATCH = 500;

  private final Database db;
  private final WorkspaceStore workspaces;
  private final Clock clock;
  private final LongConsumer purgedFrom;

  /**
   * @param purgedFrom told each conversation that lost messages, after they are gone (to drop
   *     cached history pages)
   */
  public MessageRetention(Database db, WorkspaceStore workspaces, Clock clock, LongConsumer purgedFrom) {
    this.db = db;
    this.workspaces = workspaces;
    this.clock = clock;
    this.purgedFrom = purgedFrom;
  }

  /**
   * Applies every workspace's policy once.
   *
   * @return how many messages were deleted
   */
  public long run() {
    Instant now = clock.instant();
    long total = 0;
    for (Workspace w : workspaces.listWithRetention()) {
      Instant cutoff = now.minus(Duration.ofDays(w.retentionDays().orElseThrow()));
      long deleted = purgeWorkspace(w.id(), cutoff);
      if (deleted > 0) {
        LOG.info("retention: deleted {} messages older than {} days from workspace {}", deleted, w.retentionDays().get(), w.id());
      }
      total += deleted;
    }
    return total;
  }

  /** Deletes the workspace's messages created before {@code cutoff}; returns how many. */
  long purgeWorkspace(long workspaceId, Instant cutoff) {
    List<Long> conversations = db.read(sql -> sql.query("SELECT id FROM chat_conversations WHERE workspace_id = ? ORDER BY id",
        rs -> rs.getLong(1), workspaceId));
    long total = 0;
    for (long conversationId : conversations) {
      long deleted = 0;
      int batch;
      do {
        batch = purgeBatch(conversationId, cutoff);
        deleted += batch;
      } while (batch > 0);
      if (deleted > 0) {
        purgedFrom.accept(conversationId);
      }
      total += deleted;
    }
    return total;
  }

  private record Doomed(long messageId, Instant createdAt) {}

  /**
   * One transaction: those of the conversation's {@value #BATCH} oldest messages that were created
   * before the cutoff, with their companions.
   *
   * @return how many went; {@code 0} ends the conversation's purge
   */
  private int purgeBatch(long conversationId, Instant cutoff) {
    return db.write(sql -> {
      List<Doomed> doomed = sql.query("SELECT id, created_at FROM messages WHERE thread_id = ? ORDER BY seq LIMIT " + BATCH,
              rs -> new Doomed(rs.getLong("id"), sql.requiredInstant(rs, "created_at")), conversationId)
          .stream().filter(d -> d.createdAt().isBefore(cutoff)).toList();
      if (doomed.isEmpty()) {
        return 0;
      }
      // The ids are numbers read from the database just now, so inlining them is safe; one list
      // literal serves every statement on both dialects.
      String ids = doomed.stream().map(d -> Long.toString(d.messageId())).collect(Collectors.joining(",", "(", ")"));
      Instant oldest = doomed.stream().map(Doomed::createdAt).min(Instant::compareTo).orElseThrow();
      Instant newest = doomed.stream().map(Doomed::createdAt).max(Instant::compareTo).orElseThrow();
      sql.update("DELETE FROM chat_message_reactions WHERE message_id IN " + ids);
      sql.update("DELETE FROM chat_message_mentions WHERE message_id IN " + ids);
      sql.update("DELETE FROM chat_pins WHERE conversation_id = ? AND message_id IN " + ids, conversationId);
      sql.update("DELETE FROM chat_threads WHERE root_id IN " + ids);
      sql.update("DELETE FROM chat_thread_replies WHERE reply_id IN " + ids);
      sql.update("DELETE FROM chat_message_keys WHERE thread_id = ? AND message_id IN " + ids, conversationId);
      // The time bounds let PostgreSQL visit only the partitions that hold the batch.
      sql.update("DELETE FROM messages WHERE thread_id = ? AND id IN " + ids + " AND created_at >= ? AND created_at <= ?",
          conversationId, sql.time(oldest), sql.time(newest));
      return doomed.size();
    });
  }
}
