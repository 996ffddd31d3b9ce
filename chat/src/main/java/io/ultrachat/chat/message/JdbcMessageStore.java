package io.ultrachat.chat.message;

import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.Dialect;
import io.ultrachat.store.jdbc.ReadConsistency;
import io.ultrachat.store.jdbc.DuplicateKeyException;
import io.ultrachat.store.jdbc.RowMapper;
import io.ultrachat.store.jdbc.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link MessageStore} on SQLite or PostgreSQL (where {@code messages} is partitioned by
 * month, see {@link MessagePartitions}).
 *
 * <p>Appends are group-committed ({@link GroupCommit}): concurrent appends are collected while
 * the previous batch commits and are written together in one transaction (multi-row inserts,
 * one commit, one WAL flush), and each caller returns only after that commit. The batch locks
 * its conversations' rows ({@code SELECT … FOR UPDATE} in id order on PostgreSQL), assigns each
 * conversation's next sequence numbers in submission order and writes the new {@code last_seq}:
 * the row lock serialises appends per conversation and keeps the sequence gapless, because a
 * rolled-back batch also rolls back its increments. Idempotency keys live in
 * {@code chat_message_keys} (not partitioned, so its primary key is global) and are looked up
 * under those locks; a client id used twice in one batch is stored once. If a batch fails as a
 * whole, its messages are retried one transaction each, where two racing appends with one
 * client id collide on the key and the loser returns the winner's message.
 *
 * <p>Reads for a {@link Reader} may run on the database's read replica; writes are recorded under
 * the writer keys {@link Reader} documents, so those reads still see them.
 */
public final class JdbcMessageStore implements MessageStore {
  // The group commit's PostgreSQL statements. Each is prepared once per connection and its plan
  // is cached, often from when the tables were small or never analysed. The reads are written so
  // that plan still looks rows up by primary key when the tables are large, and the write gets a
  // fresh plan every minute (PostgresAppendBatchIT checks both). The join forms they replace
  // scanned chat_message_keys whole on every batch as it grew (385 M rows read in one 90-second
  // benchmark, 1.5 cores of PostgreSQL at 1,000 msgs/s).

  /**
   * Locks the batch's conversations and reads their last seq: one primary-key probe per id, in the
   * order of the (sorted) array, so concurrent batches on other nodes lock in the same order and
   * cannot deadlock.
   */
  static final String LOCK_CONVERSATIONS = "SELECT c.id, c.last_seq FROM unnest(?::bigint[]) AS w (id)"
      + " CROSS JOIN LATERAL (SELECT id, last_seq FROM chat_conversations WHERE id = w.id LIMIT 1 FOR UPDATE) c";

  /** Messages already stored under the batch's client ids: one primary-key probe per key (LIMIT keeps it a probe, not a join). */
  static final String USED_CLIENT_IDS = "SELECT w.thread_id, w.user_id, w.client_id, k.message_id"
      + " FROM unnest(?::bigint[], ?::bigint[], ?::text[]) AS w (thread_id, user_id, client_id)"
      + " CROSS JOIN LATERAL (SELECT message_id FROM chat_message_keys"
      + "   WHERE thread_id = w.thread_id AND user_id = w.user_id AND client_id = w.client_id LIMIT 1) k";

  /**
   * A batch's messages, client keys and last seqs in one statement. No form of its UPDATE keeps
   * probing chat_conversations by key under a plan made while the table was small, so
   * the statement is run under a new text every minute ({@link #writeTogetherText}): PostgreSQL
   * then plans it afresh for the tables as they are and caches that plan for the minute. Planning
   * it for every batch instead cost 0.2–0.4 ms of PostgreSQL per batch, up to a third of the
   * statement with small batches.
   */
  static final String WRITE_TOGETHER = "WITH m AS (INSERT INTO messages (id, thread_id, seq, user_id, body, created_at)"
      + "   SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::timestamptz[])),"
      + " k AS (INSERT INTO chat_message_keys (thread_id, user_id, client_id, message_id, created_at)"
      + "   SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::bigint[], ?::timestamptz[])),"
      + " s AS (UPDATE chat_conversations c SET last_seq = w.last_seq FROM unnest(?::bigint[], ?::bigint[]) AS w (id, last_seq)"
      + "   WHERE c.id = w.id)"
      + " SELECT 1";

  private static final String COLUMNS = "m.id, m.thread_id, m.seq, m.user_id, m.body, m.created_at, m.edited_at, m.deleted_at,"
      + " tr.root_id AS thread_root_id";
  /** Messages with their thread root, if they are replies. */
  private static final String FROM = " FROM messages m LEFT JOIN chat_thread_replies tr ON tr.reply_id = m.id";

  /** Most appends committed in one transaction. */
  static final int BATCH_MAX = 256;

  private final Database db;
  private final MessagePartitions partitions;
  private final GroupCommit<NewMessage, Appended> appends = new GroupCommit<>("chat-append", BATCH_MAX, this::appendAll);
  /** Batches whose transaction failed as a whole, so that each message was retried alone. */
  private final AtomicLong batchesRetriedAlone = new AtomicLong();

  public JdbcMessageStore(Database db, MessagePartitions partitions) {
    this.db = db;
    this.partitions = partitions;
  }

  @Override
  public Appended append(NewMessage m) {
    partitions.ensureCovers(m.createdAt());
    return appends.submit(m);
  }

  /**
   * Appends messages in one transaction, answering each separately: a message that cannot be
   * appended (unknown conversation, refused thread root) fails alone, and a client id used
   * twice in the batch stores the first message and replays it for the second. If the
   * transaction fails anyway (a client-id race with another node, a lost connection), each
   * message is retried in a transaction of its own, so only the culprit fails.
   */
  List<GroupCommit.Outcome<Appended>> appendAll(List<NewMessage> batch) {
    try {
      // Normally done by append() already: a set lookup per message.
      batch.forEach(m -> partitions.ensureCovers(m.createdAt()));
      List<String> writers = batch.stream().map(m -> Reader.userKey(m.userId())).distinct().toList();
      return db.write(writers, sql -> appendTogether(sql, batch));
    } catch (RuntimeException batchFailed) {
      batchesRetriedAlone.incrementAndGet();
      List<GroupCommit.Outcome<Appended>> out = new ArrayList<>(batch.size());
      for (NewMessage m : batch) {
        try {
          out.add(GroupCommit.Outcome.of(appendAlone(m)));
        } catch (RuntimeException e) {
          out.add(GroupCommit.Outcome.failed(e));
        }
      }
      return out;
    }
  }

  /** How many batches failed as a whole and were retried one message at a time (the slow path). */
  long batchesRetriedAlone() {
    return batchesRetriedAlone.get();
  }

  /** Who used which client id where: the idempotency key of an append. */
  private record ClientKey(long conversationId, long userId, String clientId) {
    static Optional<ClientKey> of(NewMessage m) {
      return m.clientId().map(c -> new ClientKey(m.conversationId(), m.userId(), c));
    }
  }

  private List<GroupCommit.Outcome<Appended>> appendTogether(Sql sql, List<NewMessage> batch) throws SQLException {
    int n = batch.size();
    List<GroupCommit.Outcome<Appended>> out = new ArrayList<>(Collections.nCopies(n, null));
    Locked read = lockAndReadKeys(sql, batch);
    Map<Long, Long> locked = read.lastSeqs();
    Map<Long, Long> lastSeqs = new HashMap<>(locked);
    Map<ClientKey, Long> used = read.used();

    // Decide each message in submission order: replay, duplicate of an earlier one, refused, or new.
    Map<ClientKey, Integer> firstUse = new HashMap<>();
    int[] replayOf = new int[n];
    long[] seqs = new long[n];
    List<Integer> fresh = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      NewMessage m = batch.get(i);
      replayOf[i] = -1;
      Optional<ClientKey> key = ClientKey.of(m);
      if (key.isPresent() && used.containsKey(key.get())) {
        Optional<Message> earlier = find(sql, m.conversationId(), used.get(key.get()));
        if (earlier.isPresent()) {
          out.set(i, GroupCommit.Outcome.of(new Appended(earlier.get(), true)));
          continue;
        }
      }
      if (key.isPresent() && firstUse.containsKey(key.get())) {
        replayOf[i] = firstUse.get(key.get());
        continue;
      }
      Long last = lastSeqs.get(m.conversationId());
      if (last == null) {
        out.set(i, GroupCommit.Outcome.failed(new IllegalArgumentException("no conversation " + m.conversationId())));
        continue;
      }
      if (m.threadRootId().isPresent()) {
        try {
          checkRoot(sql, m.conversationId(), m.threadRootId().get());
        } catch (ThreadRootRefused e) {
          out.set(i, GroupCommit.Outcome.failed(e));
          continue;
        }
      }
      seqs[i] = last + 1;
      lastSeqs.put(m.conversationId(), seqs[i]);
      int index = i;
      key.ifPresent(k -> firstUse.put(k, index));
      fresh.add(i);
    }

    Map<Long, Long> advanced = new HashMap<>();
    lastSeqs.forEach((conversationId, last) -> {
      if (!last.equals(locked.get(conversationId))) {
        advanced.put(conversationId, last);
      }
    });
    List<NewMessage> toWrite = new ArrayList<>(fresh.size());
    long[] freshSeqs = new long[fresh.size()];
    for (int f = 0; f < fresh.size(); f++) {
      toWrite.add(batch.get(fresh.get(f)));
      freshSeqs[f] = seqs[fresh.get(f)];
    }
    if (sql.dialect() == Dialect.POSTGRESQL) {
      writeTogether(sql, toWrite, freshSeqs, advanced);
    } else {
      writeByTable(sql, toWrite, freshSeqs, advanced);
    }
    // Then what only some messages have.
    for (int i : fresh) {
      out.set(i, GroupCommit.Outcome.of(writeDetails(sql, batch.get(i), seqs[i])));
    }

    for (int i = 0; i < n; i++) {
      if (replayOf[i] >= 0) {
        out.set(i, GroupCommit.Outcome.of(new Appended(out.get(replayOf[i]).value().message(), true)));
      }
    }
    return out;
  }

  /** What a batch reads under its locks: each conversation's last seq, and the client ids already used. */
  private record Locked(Map<Long, Long> lastSeqs, Map<ClientKey, Long> used) {}

  private static final RowMapper<long[]> LAST_SEQ = rs -> new long[] {rs.getLong(1), rs.getLong(2)};
  private static final RowMapper<Map.Entry<ClientKey, Long>> USED_KEY =
      rs -> Map.entry(new ClientKey(rs.getLong(1), rs.getLong(2), rs.getString(3)), rs.getLong(4));

  /**
   * Locks the batch's conversations and reads their last sequence numbers (unknown ones are
   * absent), then the messages already stored under the batch's client ids, by key, read under
   * those locks. On PostgreSQL the rows are locked in id order, so concurrent batches (other nodes)
   * cannot deadlock, and both queries go in one round trip; on SQLite the transaction already
   * excludes every other writer.
   */
  private static Locked lockAndReadKeys(Sql sql, List<NewMessage> batch) throws SQLException {
    List<Long> ids = batch.stream().map(NewMessage::conversationId).distinct().sorted().toList();
    List<ClientKey> keys = batch.stream().map(ClientKey::of).flatMap(Optional::stream).distinct().toList();
    List<long[]> lastSeqRows;
    List<Map.Entry<ClientKey, Long>> usedRows;
    if (sql.dialect() == Dialect.POSTGRESQL) {
      // Array parameters: the same statement texts for every batch, so their plans are reused.
      if (keys.isEmpty()) {
        lastSeqRows = sql.query(LOCK_CONVERSATIONS, LAST_SEQ, longs(ids));
        usedRows = List.of();
      } else {
        Sql.Together<long[], Map.Entry<ClientKey, Long>> read = sql.queryTogether(LOCK_CONVERSATIONS, LAST_SEQ, USED_CLIENT_IDS, USED_KEY,
            longs(ids), longs(keys.stream().map(ClientKey::conversationId).toList()),
            longs(keys.stream().map(ClientKey::userId).toList()), texts(sql, keys.stream().map(ClientKey::clientId).toList()));
        lastSeqRows = read.first();
        usedRows = read.second();
      }
    } else {
      String placeholders = String.join(", ", Collections.nCopies(ids.size(), "?"));
      lastSeqRows = sql.query("SELECT id, last_seq FROM chat_conversations WHERE id IN (" + placeholders + ")", LAST_SEQ, ids.toArray());
      usedRows = keys.isEmpty() ? List.of() : sqliteUsedClientIds(sql, keys);
    }
    Map<Long, Long> lastSeqs = new HashMap<>();
    for (long[] row : lastSeqRows) {
      lastSeqs.put(row[0], row[1]);
    }
    Map<ClientKey, Long> used = new HashMap<>();
    for (Map.Entry<ClientKey, Long> e : usedRows) {
      used.put(e.getKey(), e.getValue());
    }
    return new Locked(lastSeqs, used);
  }

  private static List<Map.Entry<ClientKey, Long>> sqliteUsedClientIds(Sql sql, List<ClientKey> keys) throws SQLException {
    List<Object> params = new ArrayList<>(keys.size() * 3);
    for (ClientKey k : keys) {
      params.add(k.conversationId());
      params.add(k.userId());
      params.add(k.clientId());
    }
    String values = String.join(", ", Collections.nCopies(keys.size(), "(?, ?, ?)"));
    return sql.query("SELECT thread_id, user_id, client_id, message_id FROM chat_message_keys"
        + " WHERE (thread_id, user_id, client_id) IN (VALUES " + values + ")", USED_KEY, params.toArray());
  }

  /**
   * PostgreSQL: the new messages' rows in {@code messages} and {@code chat_message_keys}, and the
   * conversations' new last sequence numbers, in one statement of array parameters. One round trip
   * instead of three, and the same statement text for every batch size, so its plan is reused
   * (the group commit's cost is mostly per round trip, not per row).
   */
  private static void writeTogether(Sql sql, List<NewMessage> messages, long[] seqs, Map<Long, Long> lastSeqs)
      throws SQLException {
    List<Long> seqList = java.util.Arrays.stream(seqs).boxed().toList();
    List<NewMessage> keyed = messages.stream().filter(m -> m.clientId().isPresent()).toList();
    List<Long> advanced = List.copyOf(lastSeqs.keySet());
    sql.query(writeTogetherText(System.currentTimeMillis()), rs -> 1,
        longs(messages.stream().map(NewMessage::id).toList()), longs(messages.stream().map(NewMessage::conversationId).toList()),
        longs(seqList), longs(messages.stream().map(NewMessage::userId).toList()),
        texts(sql, messages.stream().map(NewMessage::body).toList()), texts(sql, messages.stream().map(m -> m.createdAt().toString()).toList()),
        longs(keyed.stream().map(NewMessage::conversationId).toList()), longs(keyed.stream().map(NewMessage::userId).toList()),
        texts(sql, keyed.stream().map(m -> m.clientId().get()).toList()), longs(keyed.stream().map(NewMessage::id).toList()),
        texts(sql, keyed.stream().map(m -> m.createdAt().toString()).toList()),
        longs(advanced), longs(advanced.stream().map(lastSeqs::get).toList()));
  }

  /** {@link #WRITE_TOGETHER} under a text of the minute: a new prepared statement, so a new plan, every minute. */
  static String writeTogetherText(long epochMillis) {
    return WRITE_TOGETHER + " /* plan of minute " + epochMillis / 60_000 + " */";
  }

  /** SQLite: the same rows as {@link #writeTogether}, one JDBC batch per table (SQLite has no round trips to save). */
  private static void writeByTable(Sql sql, List<NewMessage> messages, long[] seqs, Map<Long, Long> lastSeqs) throws SQLException {
    List<Object[]> messageRows = new ArrayList<>();
    List<Object[]> keyRows = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      NewMessage m = messages.get(i);
      Object at = sql.time(m.createdAt());
      messageRows.add(new Object[] {m.id(), m.conversationId(), seqs[i], m.userId(), m.body(), at});
      if (m.clientId().isPresent()) {
        keyRows.add(new Object[] {m.conversationId(), m.userId(), m.clientId().get(), m.id(), at});
      }
    }
    sql.batch("INSERT INTO messages (id, thread_id, seq, user_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)", messageRows);
    sql.batch("INSERT INTO chat_message_keys (thread_id, user_id, client_id, message_id, created_at) VALUES (?, ?, ?, ?, ?)", keyRows);
    writeLastSeqs(sql, lastSeqs);
  }

  /** SQLite: moves the conversations' last sequence numbers forward, one JDBC batch. */
  private static void writeLastSeqs(Sql sql, Map<Long, Long> lastSeqs) throws SQLException {
    List<Object[]> rows = new ArrayList<>();
    lastSeqs.forEach((id, last) -> rows.add(new Object[] {last, id}));
    sql.batch("UPDATE chat_conversations SET last_seq = ? WHERE id = ?", rows);
  }

  private static long[] longs(List<Long> values) {
    // A primitive array: the driver sends it as a binary int8[] with no text round trip.
    return values.stream().mapToLong(Long::longValue).toArray();
  }

  /** Text values as a PostgreSQL array parameter (also for timestamps, as ISO-8601, cast in the statement). */
  private static java.sql.Array texts(Sql sql, List<String> values) throws SQLException {
    return sql.connection().createArrayOf("text", values.toArray());
  }

  /** The single-message transaction: the fallback when a batch fails as a whole. */
  private Appended appendAlone(NewMessage m) {
    try {
      return db.write(List.of(Reader.userKey(m.userId())), sql -> {
        Optional<Message> existing = byClientId(sql, m);
        if (existing.isPresent()) {
          return new Appended(existing.get(), true);
        }
        if (m.threadRootId().isPresent()) {
          checkRoot(sql, m.conversationId(), m.threadRootId().get());
        }
        long seq = sql.queryOne("UPDATE chat_conversations SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq",
            rs -> rs.getLong(1), m.conversationId())
            .orElseThrow(() -> new IllegalArgumentException("no conversation " + m.conversationId()));
        sql.update("INSERT INTO messages (id, thread_id, seq, user_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            m.id(), m.conversationId(), seq, m.userId(), m.body(), sql.time(m.createdAt()));
        if (m.clientId().isPresent()) {
          sql.update("INSERT INTO chat_message_keys (thread_id, user_id, client_id, message_id, created_at) VALUES (?, ?, ?, ?, ?)",
              m.conversationId(), m.userId(), m.clientId().get(), m.id(), sql.time(m.createdAt()));
        }
        return writeDetails(sql, m, seq);
      });
    } catch (DuplicateKeyException race) {
      // A concurrent append with the same client id committed first.
      return db.read(sql -> byClientId(sql, m)).map(x -> new Appended(x, true)).orElseThrow(() -> race);
    }
  }

  /**
   * What a new message has besides its rows in {@code messages} and {@code chat_message_keys}: its
   * mentions and, for a reply, its thread link and summary. Both append paths call this once per
   * new message, in the message's transaction.
   */
  private static Appended writeDetails(Sql sql, NewMessage m, long seq) throws SQLException {
    writeMentions(sql, m.id(), m.conversationId(), seq, m.userId(), m.mentions());
    Optional<ThreadSummary> thread = m.threadRootId().isEmpty() ? Optional.empty()
        : Optional.of(writeReply(sql, m.threadRootId().get(), m));
    return new Appended(new Message(m.id(), m.conversationId(), seq, m.userId(), Optional.of(m.body()), m.createdAt(),
        Optional.empty(), Optional.empty(), m.threadRootId()), false, thread);
  }

  /** Refuses a root that is unknown in the conversation, deleted or itself a reply. */
  private static void checkRoot(Sql sql, long conversationId, long rootId) throws SQLException {
    Message root = find(sql, conversationId, rootId)
        .orElseThrow(() -> new ThreadRootRefused(ThreadRootRefused.Reason.NOT_FOUND));
    if (root.reply()) {
      throw new ThreadRootRefused(ThreadRootRefused.Reason.NESTED);
    }
    if (root.deleted()) {
      throw new ThreadRootRefused(ThreadRootRefused.Reason.DELETED);
    }
  }

  /**
   * Links the reply to its root and counts it in the root's summary. The upsert locks the summary
   * row, so concurrent replies (already serialised by the conversation's row lock) each add one.
   */
  private static ThreadSummary writeReply(Sql sql, long rootId, NewMessage m) throws SQLException {
    sql.update("INSERT INTO chat_thread_replies (root_id, reply_id, conversation_id, created_at) VALUES (?, ?, ?, ?)",
        rootId, m.id(), m.conversationId(), sql.time(m.createdAt()));
    sql.update("INSERT INTO chat_threads (root_id, conversation_id, reply_count, last_reply_at, participants) VALUES (?, ?, 1, ?, ?)"
        + " ON CONFLICT (root_id) DO UPDATE SET reply_count = chat_threads.reply_count + 1,"
        + " last_reply_at = CASE WHEN excluded.last_reply_at > chat_threads.last_reply_at THEN excluded.last_reply_at"
        + " ELSE chat_threads.last_reply_at END",
        rootId, m.conversationId(), sql.time(m.createdAt()), Long.toString(m.userId()));
    ThreadSummary summary = summary(sql, rootId).orElseThrow();
    if (!summary.participants().contains(m.userId()) && summary.participants().size() < ThreadSummary.PARTICIPANTS_MAX) {
      List<Long> participants = new ArrayList<>(summary.participants());
      participants.add(m.userId());
      sql.update("UPDATE chat_threads SET participants = ? WHERE root_id = ?", participantsText(participants), rootId);
      summary = new ThreadSummary(summary.replyCount(), summary.lastReplyAt(), participants);
    }
    return summary;
  }

  static Optional<ThreadSummary> summary(Sql sql, long rootId) throws SQLException {
    return sql.queryOne("SELECT reply_count, last_reply_at, participants FROM chat_threads WHERE root_id = ?",
        rs -> new ThreadSummary(rs.getLong("reply_count"), sql.requiredInstant(rs, "last_reply_at"),
            parseParticipants(rs.getString("participants"))), rootId);
  }

  static String participantsText(List<Long> participants) {
    return participants.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(" "));
  }

  static List<Long> parseParticipants(String text) {
    List<Long> out = new ArrayList<>();
    if (text != null) {
      for (String part : text.trim().split(" +")) {
        if (!part.isEmpty()) {
          out.add(Long.parseLong(part));
        }
      }
    }
    return out;
  }

  private Optional<Message> byClientId(Sql sql, NewMessage m) throws SQLException {
    if (m.clientId().isEmpty()) {
      return Optional.empty();
    }
    Optional<Long> id = sql.queryOne("SELECT message_id FROM chat_message_keys WHERE thread_id = ? AND user_id = ? AND client_id = ?",
        rs -> rs.getLong(1), m.conversationId(), m.userId(), m.clientId().get());
    return id.isEmpty() ? Optional.empty() : find(sql, m.conversationId(), id.get());
  }

  @Override
  public Optional<Message> findByClientId(long conversationId, long userId, String clientId) {
    return db.read(sql -> byClientId(sql, new NewMessage(0, conversationId, userId, Optional.of(clientId), "", Instant.EPOCH)));
  }

  @Override
  public Optional<Message> find(long conversationId, long messageId) {
    return db.read(sql -> find(sql, conversationId, messageId));
  }

  /** Looks the message up within its id's time window, so PostgreSQL reads one partition (see {@link MessageRows}). */
  private static Optional<Message> find(Sql sql, long conversationId, long messageId) throws SQLException {
    return MessageRows.byId(sql, "SELECT " + COLUMNS + FROM + " WHERE m.id = ? AND m.thread_id = ?", "m.created_at",
        rs -> map(sql, rs), messageId, conversationId);
  }

  @Override
  public List<Message> before(long conversationId, long before, int limit) {
    return before(conversationId, before, limit, ReadConsistency.primary());
  }

  @Override
  public List<Message> before(long conversationId, long before, int limit, Reader reader) {
    return before(conversationId, before, limit, ReadConsistency.seeing(reader.writersIn(conversationId)));
  }

  private List<Message> before(long conversationId, long before, int limit, ReadConsistency consistency) {
    List<Message> page = db.read(consistency, sql -> sql.query("SELECT " + COLUMNS + FROM + " WHERE m.thread_id = ? AND m.seq < ?"
        + " ORDER BY m.seq DESC LIMIT ?", rs -> map(sql, rs), conversationId, before, limit));
    List<Message> ascending = new ArrayList<>(page);
    Collections.reverse(ascending);
    return ascending;
  }

  @Override
  public List<Message> after(long conversationId, long after, int limit) {
    return after(conversationId, after, limit, ReadConsistency.primary());
  }

  @Override
  public List<Message> after(long conversationId, long after, int limit, Reader reader) {
    return after(conversationId, after, limit, ReadConsistency.seeing(reader.writersIn(conversationId)));
  }

  private List<Message> after(long conversationId, long after, int limit, ReadConsistency consistency) {
    return db.read(consistency, sql -> sql.query("SELECT " + COLUMNS + FROM + " WHERE m.thread_id = ? AND m.seq > ?"
        + " ORDER BY m.seq ASC LIMIT ?", rs -> map(sql, rs), conversationId, after, limit));
  }

  @Override
  public List<Message> replies(long conversationId, long rootId, long after, int limit) {
    return db.read(sql -> sql.query("SELECT " + COLUMNS + FROM + " WHERE m.thread_id = ? AND tr.root_id = ? AND m.seq > ?"
        + " ORDER BY m.seq ASC LIMIT ?", rs -> map(sql, rs), conversationId, rootId, after, limit));
  }

  @Override
  public Optional<Message> edit(long conversationId, long messageId, String body, Instant at, Mentions mentions) {
    // Only its author edits a message, but the store does not know who asks: the conversation's
    // key covers the author's reads of it too.
    return db.write(List.of(Reader.conversationKey(conversationId)), sql -> {
      Optional<Message> current = find(sql, conversationId, messageId);
      if (current.isEmpty() || current.get().deleted()) {
        return Optional.<Message>empty();
      }
      sql.update("UPDATE messages SET body = ?, edited_at = ? WHERE id = ? AND created_at = ? AND deleted_at IS NULL",
          body, sql.time(at), messageId, sql.time(current.get().createdAt()));
      Message m = current.get();
      sql.update("DELETE FROM chat_message_mentions WHERE message_id = ?", messageId);
      writeMentions(sql, messageId, conversationId, m.seq(), m.userId(), mentions);
      return find(sql, conversationId, messageId);
    });
  }

  @Override
  public Optional<Message> delete(long conversationId, long messageId, Instant at) {
    return db.write(List.of(Reader.conversationKey(conversationId)), sql -> {
      Optional<Message> current = find(sql, conversationId, messageId);
      if (current.isEmpty()) {
        return Optional.<Message>empty();
      }
      if (!current.get().deleted()) {
        sql.update("UPDATE messages SET body = NULL, deleted_at = ? WHERE id = ? AND created_at = ?",
            sql.time(at), messageId, sql.time(current.get().createdAt()));
        sql.update("DELETE FROM chat_message_mentions WHERE message_id = ?", messageId);
        sql.update("DELETE FROM chat_message_reactions WHERE message_id = ?", messageId);
      }
      return find(sql, conversationId, messageId);
    });
  }

  /** Mention rows; user 0 stands for everyone ({@code @channel}, {@code @here}). */
  private static void writeMentions(Sql sql, long messageId, long conversationId, long seq, long authorId, Mentions mentions)
      throws SQLException {
    List<Long> users = new ArrayList<>(mentions.userIds());
    if (mentions.channel()) {
      users.add(0L);
    }
    for (long userId : users) {
      sql.update("INSERT INTO chat_message_mentions (message_id, user_id, thread_id, seq, author_id) VALUES (?, ?, ?, ?, ?)"
          + " ON CONFLICT (message_id, user_id) DO NOTHING", messageId, userId, conversationId, seq, authorId);
    }
  }

  private static Message map(Sql sql, ResultSet rs) throws SQLException {
    return new Message(rs.getLong("id"), rs.getLong("thread_id"), rs.getLong("seq"), rs.getLong("user_id"),
        Optional.ofNullable(rs.getString("body")), sql.requiredInstant(rs, "created_at"), sql.instant(rs, "edited_at"),
        sql.instant(rs, "deleted_at"), threadRoot(rs));
  }

  private static Optional<Long> threadRoot(ResultSet rs) throws SQLException {
    long root = rs.getLong("thread_root_id");
    return rs.wasNull() ? Optional.empty() : Optional.of(root);
  }
}
