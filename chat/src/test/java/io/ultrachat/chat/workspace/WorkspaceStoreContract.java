package io.ultrachat.chat.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.chat.MapCache;
import io.ultrachat.chat.StoreContract;
import io.ultrachat.testkit.store.StoreFixture.Backend;
import io.ultrachat.chat.workspace.WorkspaceStore.WorkspaceWithRole;
import io.ultrachat.store.jdbc.Database;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@link WorkspaceStore} contract; subclasses name the backend. */
public abstract class WorkspaceStoreContract extends StoreContract {
  private static final long ALICE = 1;
  private static final long BOB = 2;
  private static final long CAROL = 3;
  private static final long DAVE = 4;

  private final boolean cached;
  private WorkspaceStore store;

  protected WorkspaceStoreContract(Backend backend) {
    this(backend, false);
  }

  /** @param cached run the contract on {@link CachedWorkspaceStore} over the JDBC store */
  protected WorkspaceStoreContract(Backend backend, boolean cached) {
    super(backend);
    this.cached = cached;
  }

  /** The implementation under test. */
  protected WorkspaceStore newStore(Database db) {
    WorkspaceStore jdbc = new JdbcWorkspaceStore(db);
    return cached ? new CachedWorkspaceStore(jdbc, new MapCache<>("workspace-memberships"), new MapCache<>("user-workspaces")) : jdbc;
  }

  @BeforeEach
  void createStore() {
    store = newStore(db());
  }

  private static Workspace workspace(long id, String name, long createdBy, int secondsAfterBase) {
    return new Workspace(id, name, createdBy, BASE.plusSeconds(secondsAfterBase).plusMillis(id));
  }

  // --- create / find ---

  @Test
  void createdWorkspaceRoundTripsEveryFieldAtMillisecondPrecision() {
    Workspace w = new Workspace(100, "Acme, Inc. ✓", ALICE, BASE.plusMillis(123));
    store.create(w);

    assertThat(store.find(100)).contains(w);
  }

  @Test
  void createMakesTheCreatorItsOnlyMemberAndOwner() {
    Workspace w = workspace(100, "acme", ALICE, 5);
    store.create(w);

    WorkspaceMember owner = new WorkspaceMember(100, ALICE, Role.OWNER, w.createdAt());
    assertThat(store.member(100, ALICE)).contains(owner);
    assertThat(store.members(100)).containsExactly(owner);
    assertThat(store.countOwners(100)).isEqualTo(1);
  }

  @Test
  void findOfUnknownWorkspaceIsEmpty() {
    store.create(workspace(100, "acme", ALICE, 0));

    assertThat(store.find(101)).isEmpty();
  }

  // --- update / retention ---

  @Test
  void updateRenamesAndSetsOrClearsTheRetentionPolicy() {
    store.create(workspace(100, "acme", ALICE, 0));
    store.create(new Workspace(101, "globex", BOB, BASE, java.util.Optional.of(90)));

    assertThat(store.update(100, java.util.Optional.of("Acme 2"), java.util.Optional.of(java.util.Optional.of(30)))).isTrue();
    assertThat(store.find(100).orElseThrow().name()).isEqualTo("Acme 2");
    assertThat(store.find(100).orElseThrow().retentionDays()).contains(30);
    assertThat(store.listForUser(ALICE).getFirst().workspace().retentionDays()).contains(30);
    assertThat(store.listWithRetention()).extracting(Workspace::id).containsExactly(100L, 101L);

    assertThat(store.update(100, java.util.Optional.empty(), java.util.Optional.of(java.util.Optional.empty()))).isTrue();
    assertThat(store.find(100).orElseThrow().retentionDays()).isEmpty();
    assertThat(store.find(100).orElseThrow().name()).as("untouched").isEqualTo("Acme 2");
    assertThat(store.listWithRetention()).extracting(Workspace::id).containsExactly(101L);
    assertThat(store.find(101).orElseThrow().retentionDays()).contains(90);
  }

  @Test
  void updateOfAnUnknownWorkspaceReportsFalse() {
    assertThat(store.update(999, java.util.Optional.of("x"), java.util.Optional.empty())).isFalse();
    assertThat(store.update(999, java.util.Optional.empty(), java.util.Optional.empty())).isFalse();
  }

  // --- listForUser ---

  @Test
  void workspaceIdsFollowCreationJoinsAndLeaves() {
    assertThat(store.workspaceIdsOf(ALICE)).isEmpty();
    store.create(workspace(100, "acme", ALICE, 0));
    assertThat(store.workspaceIdsOf(ALICE)).containsExactly(100L);
    store.create(workspace(101, "globex", BOB, 10));
    assertThat(store.workspaceIdsOf(BOB)).containsExactly(101L);
    store.putMember(101, ALICE, Role.MEMBER, BASE.plusSeconds(20));
    assertThat(store.workspaceIdsOf(ALICE)).containsExactly(100L, 101L);
    store.putMember(101, ALICE, Role.ADMIN, BASE.plusSeconds(30));
    assertThat(store.workspaceIdsOf(ALICE)).containsExactly(100L, 101L);
    assertThat(store.removeMember(100, ALICE)).isTrue();
    assertThat(store.workspaceIdsOf(ALICE)).containsExactly(101L);
    assertThat(store.workspaceIdsOf(BOB)).containsExactly(101L);
  }

  @Test
  void listForUserGivesOnlyTheUsersWorkspacesWithTheirRolesOldestFirst() {
    Workspace acme = workspace(100, "acme", ALICE, 0);
    Workspace globex = workspace(101, "globex", BOB, 10);
    Workspace initech = workspace(102, "initech", BOB, 20);
    Workspace hooli = workspace(103, "hooli", CAROL, 30);
    store.create(acme);
    store.create(globex);
    store.create(initech);
    store.create(hooli);
    store.putMember(101, ALICE, Role.MEMBER, BASE.plusSeconds(40));
    store.putMember(103, ALICE, Role.GUEST, BASE.plusSeconds(50));
    store.putMember(103, BOB, Role.ADMIN, BASE.plusSeconds(60));

    assertThat(store.listForUser(ALICE)).containsExactly(
        new WorkspaceWithRole(acme, Role.OWNER),
        new WorkspaceWithRole(globex, Role.MEMBER),
        new WorkspaceWithRole(hooli, Role.GUEST));
    assertThat(store.listForUser(BOB)).containsExactly(
        new WorkspaceWithRole(globex, Role.OWNER),
        new WorkspaceWithRole(initech, Role.OWNER),
        new WorkspaceWithRole(hooli, Role.ADMIN));
    assertThat(store.listForUser(DAVE)).isEmpty();
  }

  @Test
  void listForUserFollowsRoleChangesAndRemovals() {
    store.create(workspace(100, "acme", ALICE, 0));
    store.create(workspace(101, "globex", BOB, 10));
    store.putMember(101, ALICE, Role.MEMBER, BASE.plusSeconds(20));
    store.putMember(101, ALICE, Role.ADMIN, BASE.plusSeconds(30));

    assertThat(store.listForUser(ALICE)).extracting(WorkspaceWithRole::role).containsExactly(Role.OWNER, Role.ADMIN);

    store.removeMember(100, ALICE);
    assertThat(store.listForUser(ALICE)).extracting(r -> r.workspace().id()).containsExactly(101L);
  }

  // --- member / members ---

  @Test
  void memberOfNonMemberOrUnknownWorkspaceIsEmpty() {
    store.create(workspace(100, "acme", ALICE, 0));
    store.create(workspace(101, "globex", BOB, 0));

    assertThat(store.member(100, BOB)).isEmpty();
    assertThat(store.member(101, ALICE)).isEmpty();
    assertThat(store.member(999, ALICE)).isEmpty();
  }

  @Test
  void membersAreInTheOrderTheyJoinedAndOnlyOfThatWorkspace() {
    Workspace acme = workspace(100, "acme", ALICE, 0);
    store.create(acme);
    store.create(workspace(101, "globex", BOB, 0));
    // Added out of join order, and with user ids out of join order.
    store.putMember(100, DAVE, Role.MEMBER, BASE.plusSeconds(300));
    store.putMember(100, CAROL, Role.GUEST, BASE.plusSeconds(200));
    store.putMember(100, BOB, Role.ADMIN, BASE.plusSeconds(400));
    store.putMember(101, CAROL, Role.MEMBER, BASE.plusSeconds(100));

    assertThat(store.members(100)).containsExactly(
        new WorkspaceMember(100, ALICE, Role.OWNER, acme.createdAt()),
        new WorkspaceMember(100, CAROL, Role.GUEST, BASE.plusSeconds(200)),
        new WorkspaceMember(100, DAVE, Role.MEMBER, BASE.plusSeconds(300)),
        new WorkspaceMember(100, BOB, Role.ADMIN, BASE.plusSeconds(400)));
    assertThat(store.members(101)).extracting(WorkspaceMember::userId).containsExactly(BOB, CAROL);
    assertThat(store.members(999)).isEmpty();
  }

  // --- putMember ---

  @Test
  void putMemberInsertsANewMemberAndReturnsItAsStored() {
    store.create(workspace(100, "acme", ALICE, 0));
    WorkspaceMember expected = new WorkspaceMember(100, BOB, Role.MEMBER, BASE.plusSeconds(60).plusMillis(7));

    WorkspaceMember put = store.putMember(100, BOB, Role.MEMBER, BASE.plusSeconds(60).plusMillis(7));

    assertThat(put).isEqualTo(expected);
    assertThat(store.member(100, BOB)).contains(expected);
  }

  @Test
  void putMemberOfExistingMemberChangesOnlyTheRoleAndAddsNoRow() {
    store.create(workspace(100, "acme", ALICE, 0));
    Instant joined = BASE.plusSeconds(60);
    store.putMember(100, BOB, Role.MEMBER, joined);

    WorkspaceMember put = store.putMember(100, BOB, Role.ADMIN, BASE.plusSeconds(3600));

    WorkspaceMember expected = new WorkspaceMember(100, BOB, Role.ADMIN, joined);
    assertThat(put).isEqualTo(expected);
    assertThat(store.member(100, BOB)).contains(expected);
    assertThat(store.members(100)).extracting(WorkspaceMember::userId).containsExactly(ALICE, BOB);
    assertThat(scalar("SELECT COUNT(*) FROM chat_workspace_members WHERE workspace_id = ? AND user_id = ?", 100L, BOB))
        .isEqualTo(1);
  }

  @Test
  void putMemberCanDemoteTheCreator() {
    Workspace w = workspace(100, "acme", ALICE, 0);
    store.create(w);

    assertThat(store.putMember(100, ALICE, Role.MEMBER, BASE.plusSeconds(99)))
        .isEqualTo(new WorkspaceMember(100, ALICE, Role.MEMBER, w.createdAt()));
    assertThat(store.countOwners(100)).isZero();
  }

  // --- removeMember ---

  @Test
  void removeMemberIsTrueOnceThenFalse() {
    store.create(workspace(100, "acme", ALICE, 0));
    store.putMember(100, BOB, Role.MEMBER, BASE.plusSeconds(1));

    assertThat(store.removeMember(100, BOB)).isTrue();
    assertThat(store.member(100, BOB)).isEmpty();
    assertThat(store.members(100)).extracting(WorkspaceMember::userId).containsExactly(ALICE);

    assertThat(store.removeMember(100, BOB)).isFalse();
    assertThat(store.removeMember(100, CAROL)).isFalse();
    assertThat(store.removeMember(999, ALICE)).isFalse();
    assertThat(store.member(100, ALICE)).isPresent();
  }

  @Test
  void removeMemberLeavesTheUsersOtherWorkspacesAlone() {
    store.create(workspace(100, "acme", ALICE, 0));
    store.create(workspace(101, "globex", ALICE, 0));

    assertThat(store.removeMember(100, ALICE)).isTrue();

    assertThat(store.member(101, ALICE)).isPresent();
    assertThat(store.find(100)).isPresent();
  }

  @Test
  void rejoiningAfterRemovalStartsANewMembership() {
    store.create(workspace(100, "acme", ALICE, 0));
    store.putMember(100, BOB, Role.ADMIN, BASE.plusSeconds(1));
    store.removeMember(100, BOB);

    assertThat(store.putMember(100, BOB, Role.GUEST, BASE.plusSeconds(50)))
        .isEqualTo(new WorkspaceMember(100, BOB, Role.GUEST, BASE.plusSeconds(50)));
  }

  // --- countOwners ---

  @Test
  void countOwnersCountsOnlyOwnersOfThatWorkspace() {
    store.create(workspace(100, "acme", ALICE, 0));
    store.create(workspace(101, "globex", BOB, 0));
    store.putMember(100, BOB, Role.ADMIN, BASE.plusSeconds(1));
    store.putMember(100, CAROL, Role.MEMBER, BASE.plusSeconds(2));
    assertThat(store.countOwners(100)).isEqualTo(1);

    store.putMember(100, BOB, Role.OWNER, BASE.plusSeconds(3));
    assertThat(store.countOwners(100)).isEqualTo(2);
    assertThat(store.countOwners(101)).isEqualTo(1);

    store.putMember(100, ALICE, Role.ADMIN, BASE.plusSeconds(4));
    assertThat(store.countOwners(100)).isEqualTo(1);

    store.removeMember(100, BOB);
    assertThat(store.countOwners(100)).isZero();
    assertThat(store.countOwners(999)).isZero();
  }
}
