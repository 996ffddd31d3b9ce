package io.ultrachat.chat.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.testkit.store.StoreFixture.Backend;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresAppendBatchIT extends AppendBatchContract {
  PostgresAppendBatchIT() {
    super(Backend.POSTGRESQL);
  }

  /**
   * The group commit's statements are prepared once per connection and PostgreSQL caches a
   * generic plan for them, often made while the tables were empty or never analysed. That plan
   * must still find rows by primary key: a scan of chat_message_keys or chat_conversations, cheap
   * while they are small, would run on every batch as they grow.
   */
  @Test
  void theCachedPlansOfTheBatchStatementsProbeByKeyEvenWhenMadeOnEmptyTables() {
    Map<String, String> statements = Map.of(
        "lock conversations", JdbcMessageStore.LOCK_CONVERSATIONS,
        "used client ids", JdbcMessageStore.USED_CLIENT_IDS);
    statements.forEach((name, sql) -> {
      String plan = genericPlan(sql);
      assertThat(plan).as("generic plan of '%s'", name)
          .doesNotContain("Seq Scan on chat_message_keys")
          .doesNotContain("Seq Scan on chat_conversations");
    });
    // The check can fail: the join the client-id lookup used to be is planned as a scan here.
    assertThat(genericPlan("SELECT k.message_id FROM chat_message_keys k JOIN unnest(?::bigint[], ?::bigint[], ?::text[])"
        + " AS w (thread_id, user_id, client_id) ON k.thread_id = w.thread_id AND k.user_id = w.user_id"
        + " AND k.client_id = w.client_id")).contains("Seq Scan on chat_message_keys");
    // And the one-statement write would scan the conversations under a plan cached from now,
    // which is why it gets a new text, so a new plan, every minute (next test).
    assertThat(genericPlan(JdbcMessageStore.WRITE_TOGETHER)).contains("Seq Scan on chat_conversations");
  }

  @Test
  void theOneStatementWriteIsPlannedAfreshEveryMinute() {
    long minute = 60_000;
    assertThat(JdbcMessageStore.writeTogetherText(5 * minute)).startsWith(JdbcMessageStore.WRITE_TOGETHER)
        .isEqualTo(JdbcMessageStore.writeTogetherText(6 * minute - 1))
        .isNotEqualTo(JdbcMessageStore.writeTogetherText(6 * minute));
    // A new text is a new server-side statement, so PostgreSQL plans it again.
    List<String> prepared = db().write(sql -> {
      for (long m = 0; m < 2; m++) {
        for (int i = 0; i < 6; i++) {
          sql.query("SELECT count(*) FROM chat_message_keys /* plan of minute " + m + " */", rs -> rs.getLong(1));
        }
      }
      return sql.query("SELECT statement FROM pg_prepared_statements", rs -> rs.getString(1));
    });
    assertThat(prepared).as("statements the server keeps prepared on this connection")
        .anyMatch(st -> st.contains("plan of minute 0")).anyMatch(st -> st.contains("plan of minute 1"));
  }

  /** EXPLAIN of the plan PostgreSQL caches for a prepared statement ({@code ?} parameters). */
  private String genericPlan(String sql) {
    StringBuilder numbered = new StringBuilder();
    int n = 0;
    for (char c : sql.toCharArray()) {
      if (c == '?') {
        numbered.append('$').append(++n);
      } else {
        numbered.append(c);
      }
    }
    int params = n;
    return db().write(s -> {
      try (Statement st = s.connection().createStatement()) {
        st.execute("SET LOCAL plan_cache_mode = force_generic_plan");
        st.execute("PREPARE plan_check AS " + numbered);
        List<String> lines = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("EXPLAIN EXECUTE plan_check(" + String.join(", ", Collections.nCopies(params, "NULL")) + ")")) {
          while (rs.next()) {
            lines.add(rs.getString(1));
          }
        }
        st.execute("DEALLOCATE plan_check");
        return String.join("\n", lines);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
  }
}
