package io.ultrachat.chat.workspace;

import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link WorkspaceStore} on SQLite or PostgreSQL. */
public final class JdbcWorkspaceStore implements WorkspaceStore {
  private final Database db;

  public JdbcWorkspaceStore(Database db) {
    this.db = db;
  }

  @Override
  public void create(Workspace w) {
    db.write(sql -> {
      sql.update("INSERT INTO chat_workspaces (id, name, created_by, created_at, retention_days) VALUES (?, ?, ?, ?, ?)",
          w.id(), w.name(), w.createdBy(), sql.time(w.createdAt()), w.retentionDays());
      return sql.update("INSERT INTO chat_workspace_members (workspace_id, user_id, role, joined_at) VALUES (?, ?, 'owner', ?)",
          w.id(), w.createdBy(), sql.time(w.createdAt()));
    });
  }

  @Override
  public Optional<Workspace> find(long workspaceId) {
    return db.read(sql -> sql.queryOne("SELECT id, name, created_by, created_at, retention_days FROM chat_workspaces WHERE id = ?",
        rs -> workspace(sql, rs), workspaceId));
  }

  @Override
  public boolean update(long workspaceId, Optional<String> name, Optional<Optional<Integer>> retentionDays) {
    if (name.isEmpty() && retentionDays.isEmpty()) {
      return find(workspaceId).isPresent();
    }
    List<String> sets = new ArrayList<>();
    List<Object> params = new ArrayList<>();
    name.ifPresent(n -> {
      sets.add("name = ?");
      params.add(n);
    });
    retentionDays.ifPresent(d -> {
      sets.add("retention_days = ?");
      params.add(d);
    });
    params.add(workspaceId);
    return db.write(sql -> sql.update("UPDATE chat_workspaces SET " + String.join(", ", sets) + " WHERE id = ?",
        params.toArray())) == 1;
  }

  @Override
  public List<Workspace> listWithRetention() {
    return db.read(sql -> sql.query("SELECT id, name, created_by, created_at, retention_days FROM chat_workspaces"
        + " WHERE retention_days IS NOT NULL ORDER BY id", rs -> workspace(sql, rs)));
  }

  @Override
  public List<WorkspaceWithRole> listForUser(long userId) {
    return db.read(sql -> sql.query("SELECT w.id, w.name, w.created_by, w.created_at, w.retention_days, m.role FROM chat_workspaces w"
            + " JOIN chat_workspace_members m ON m.workspace_id = w.id WHERE m.user_id = ? ORDER BY w.id",
        rs -> new WorkspaceWithRole(workspace(sql, rs), Role.fromWire(rs.getString("role"))), userId));
  }

  @Override
  public Optional<WorkspaceMember> member(long workspaceId, long userId) {
    return db.read(sql -> sql.queryOne("SELECT workspace_id, user_id, role, joined_at FROM chat_workspace_members"
        + " WHERE workspace_id = ? AND user_id = ?", rs -> member(sql, rs), workspaceId, userId));
  }

  @Override
  public List<WorkspaceMember> members(long workspaceId) {
    return db.read(sql -> sql.query("SELECT workspace_id, user_id, role, joined_at FROM chat_workspace_members"
        + " WHERE workspace_id = ? ORDER BY joined_at, user_id", rs -> member(sql, rs), workspaceId));
  }

  @Override
  public WorkspaceMember putMember(long workspaceId, long userId, Role role, Instant at) {
    return db.write(sql -> {
      // One upsert statement, so concurrent identical requests cannot both insert.
      sql.update("INSERT INTO chat_workspace_members (workspace_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role",
          workspaceId, userId, role.wire(), sql.time(at));
      return sql.queryOne("SELECT workspace_id, user_id, role, joined_at FROM chat_workspace_members"
          + " WHERE workspace_id = ? AND user_id = ?", rs -> member(sql, rs), workspaceId, userId).orElseThrow();
    });
  }

  @Override
  public boolean removeMember(long workspaceId, long userId) {
    return db.write(sql -> sql.update("DELETE FROM chat_workspace_members WHERE workspace_id = ? AND user_id = ?",
        workspaceId, userId)) == 1;
  }

  @Override
  public int countOwners(long workspaceId) {
    return db.read(sql -> sql.queryOne("SELECT COUNT(*) FROM chat_workspace_members WHERE workspace_id = ? AND role = 'owner'",
        rs -> rs.getInt(1), workspaceId).orElse(0));
  }

  private static Workspace workspace(Sql sql, ResultSet rs) throws SQLException {
    int retention = rs.getInt("retention_days");
    Optional<Integer> retentionDays = rs.wasNull() ? Optional.empty() : Optional.of(retention);
    return new Workspace(rs.getLong("id"), rs.getString("name"), rs.getLong("created_by"), sql.requiredInstant(rs, "created_at"),
        retentionDays);
  }

  private static WorkspaceMember member(Sql sql, ResultSet rs) throws SQLException {
    return new WorkspaceMember(rs.getLong("workspace_id"), rs.getLong("user_id"), Role.fromWire(rs.getString("role")),
        sql.requiredInstant(rs, "joined_at"));
  }
}
