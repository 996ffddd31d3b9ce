package io.ultrachat.chat.invite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ultrachat.testkit.store.Concurrently;
import io.ultrachat.chat.StoreContract;
import io.ultrachat.testkit.store.StoreFixture.Backend;
import io.ultrachat.chat.invite.InviteStore.Redemption;
import io.ultrachat.chat.workspace.JdbcWorkspaceStore;
import io.ultrachat.chat.workspace.Role;
import io.ultrachat.chat.workspace.Workspace;
import io.ultrachat.chat.workspace.WorkspaceMember;
import io.ultrachat.chat.workspace.WorkspaceStore;
import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.DuplicateKeyException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@link InviteStore} contract; subclasses name the backend. */
public abstract class InviteStoreContract extends StoreContract {
  private static final long ALICE = 1;
  private static final long BOB = 2;
  private static final long CAROL = 3;
  private static final long ACME = 100;
  private static final long GLOBEX = 101;
  private static final int NO_LIMIT = Integer.MAX_VALUE;
  private static final Instant NOW = BASE.plusSeconds(3600);

  private InviteStore store;
  private WorkspaceStore workspaces;

  protected InviteStoreContract(Backend backend) {
    super(backend);
  }

  /** The implementation under test; the JDBC one unless a subclass says otherwise. */
  protected InviteStore newStore(Database db) {
    return new JdbcInviteStore(db);
  }

  @BeforeEach
  void createStoreAndWorkspaces() {
    workspaces = new JdbcWorkspaceStore(db());
    workspaces.create(new Workspace(ACME, "acme", ALICE, BASE));
    workspaces.create(new Workspace(GLOBEX, "globex", BOB, BASE));
    store = newStore(db());
  }

  /** An unused invite to Acme by Alice, created {@code id} seconds after BASE and valid for a day. */
  private static Invite invite(long id, Role role, int maxUses) {
    Instant created = BASE.plusSeconds(id).plusMillis(7);
    return new Invite(id, ACME, role, ALICE, created, created.plus(Duration.ofDays(1)), maxUses, 0);
  }

  private void create(Invite i) {
    assertThat(store.create(i, "hash-" + i.id(), NO_LIMIT, NOW)).isTrue();
  }

  // --- create / find / list / delete ---

  @Test
  void createdInviteRoundTripsEveryFieldAtMillisecondPrecision() {
    Invite i = new Invite(10, ACME, Role.GUEST, BOB, BASE.plusMillis(123), BASE.plus(Duration.ofHours(720)).plusMillis(456), 1000, 0);

    assertThat(store.create(i, "abc123", NO_LIMIT, NOW)).isTrue();

    assertThat(store.find(ACME, 10)).contains(i);
    assertThat(store.findByTokenHash("abc123")).contains(i);
  }

  @Test
  void findIsScopedToTheWorkspaceAndByTokenHashToTheExactHash() {
    create(invite(10, Role.MEMBER, 1));

    assertThat(store.find(GLOBEX, 10)).isEmpty();
    assertThat(store.find(ACME, 11)).isEmpty();
    assertThat(store.findByTokenHash("hash-1")).isEmpty();
    assertThat(store.findByTokenHash("HASH-10")).isEmpty();
  }

  @Test
  void aTokenHashIsUnique() {
    create(invite(10, Role.MEMBER, 1));

    assertThatThrownBy(() -> store.create(invite(11, Role.MEMBER, 1), "hash-10", NO_LIMIT, NOW))
        .isInstanceOf(DuplicateKeyException.class);
    assertThat(store.find(ACME, 11)).isEmpty();
  }

  @Test
  void listInWorkspaceIsNewestFirstAndOnlyThatWorkspace() {
    Invite older = invite(10, Role.MEMBER, 1);
    Invite newer = invite(20, Role.GUEST, 5);
    create(newer);
    create(older);
    Invite other = new Invite(30, GLOBEX, Role.MEMBER, BOB, BASE, BASE.plusSeconds(60), 1, 0);
    assertThat(store.create(other, "other", NO_LIMIT, NOW)).isTrue();

    assertThat(store.listInWorkspace(ACME)).containsExactly(newer, older);
    assertThat(store.listInWorkspace(GLOBEX)).containsExactly(other);
    assertThat(store.listInWorkspace(999)).isEmpty();
  }

  @Test
  void deleteIsTrueOnceAndOnlyInItsWorkspace() {
    create(invite(10, Role.MEMBER, 1));

    assertThat(store.delete(GLOBEX, 10)).isFalse();
    assertThat(store.delete(ACME, 10)).isTrue();
    assertThat(store.delete(ACME, 10)).isFalse();
    assertThat(store.findByTokenHash("hash-10")).isEmpty();
    assertThat(store.redeem(10, BOB, NOW)).isEqualTo(Redemption.NOT_FOUND);
  }

  @Test
  void deleteExpiredBeforeRemovesOnlyInvitesThatExpiredBeforeTheCutoff() {
    Invite early = invite(10, Role.MEMBER, 1);
    Invite late = invite(20, Role.MEMBER, 1);
    create(early);
    create(late);

    assertThat(store.deleteExpiredBefore(early.expiresAt())).isZero();
    assertThat(store.deleteExpiredBefore(early.expiresAt().plusMillis(1))).isEqualTo(1);
    assertThat(store.listInWorkspace(ACME)).containsExactly(late);
  }

  // --- the limit on open invites ---

  @Test
  void createRefusesBeyondTheLimitOfOpenInvites() {
    assertThat(store.create(invite(10, Role.MEMBER, 1), "a", 2, NOW)).isTrue();
    assertThat(store.create(invite(11, Role.MEMBER, 1), "b", 2, NOW)).isTrue();

    assertThat(store.create(invite(12, Role.MEMBER, 1), "c", 2, NOW)).isFalse();
    assertThat(store.find(ACME, 12)).isEmpty();
    // Another workspace has a limit of its own.
    assertThat(store.create(new Invite(13, GLOBEX, Role.MEMBER, BOB, BASE, BASE.plusSeconds(99999), 1, 0), "d", 2, NOW)).isTrue();
  }

  @Test
  void expiredAndUsedUpInvitesAreNotOpen() {
    assertThat(store.create(invite(10, Role.MEMBER, 1), "a", 2, NOW)).isTrue();
    Invite shortLived = new Invite(11, ACME, Role.MEMBER, ALICE, BASE, NOW.minusMillis(1), 1, 0);
    assertThat(store.create(shortLived, "b", 2, NOW)).isTrue();
    assertThat(store.redeem(10, BOB, NOW)).isEqualTo(Redemption.JOINED);

    assertThat(store.create(invite(12, Role.MEMBER, 1), "c", 2, NOW)).isTrue();
    assertThat(store.create(invite(13, Role.MEMBER, 1), "d", 2, NOW)).isTrue();
    assertThat(store.create(invite(14, Role.MEMBER, 1), "e", 2, NOW)).isFalse();
  }

  @Test
  void concurrentCreationsNeverPassTheLimit() {
    var outcomes = Concurrently.race(8, i -> () -> store.create(invite(10 + i, Role.MEMBER, 1), "h" + i, 3, NOW));

    assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded);
    assertThat(outcomes).filteredOn(Concurrently.Outcome::value).hasSize(3);
    assertThat(store.listInWorkspace(ACME)).hasSize(3);
  }

  // --- redeem ---

  @Test
  void redeemJoinsWithTheInvitesRoleAndCountsAUse() {
    Invite i = invite(10, Role.GUEST, 2);
    create(i);

    assertThat(store.redeem(10, BOB, NOW)).isEqualTo(Redemption.JOINED);

    assertThat(workspaces.member(ACME, BOB)).contains(new WorkspaceMember(ACME, BOB, Role.GUEST, NOW));
    assertThat(store.find(ACME, 10).orElseThrow().uses()).isEqualTo(1);
    assertThat(workspaces.member(GLOBEX, BOB).orElseThrow().role()).as("untouched").isEqualTo(Role.OWNER);
  }

  @Test
  void redeemByAMemberChangesNothingAndSpendsNoUse() {
    create(invite(10, Role.GUEST, 1));
    workspaces.putMember(ACME, BOB, Role.ADMIN, BASE);

    assertThat(store.redeem(10, BOB, NOW)).isEqualTo(Redemption.ALREADY_MEMBER);
    assertThat(store.redeem(10, ALICE, NOW)).isEqualTo(Redemption.ALREADY_MEMBER);

    assertThat(workspaces.member(ACME, BOB).orElseThrow().role()).isEqualTo(Role.ADMIN);
    assertThat(workspaces.member(ACME, ALICE).orElseThrow().role()).isEqualTo(Role.OWNER);
    assertThat(store.find(ACME, 10).orElseThrow().uses()).isZero();
  }

  @Test
  void redeemAfterTheLastUseIsExhausted() {
    create(invite(10, Role.MEMBER, 2));

    assertThat(store.redeem(10, BOB, NOW)).isEqualTo(Redemption.JOINED);
    assertThat(store.redeem(10, CAROL, NOW)).isEqualTo(Redemption.JOINED);
    assertThat(store.redeem(10, 4, NOW)).isEqualTo(Redemption.EXHAUSTED);

    assertThat(workspaces.member(ACME, 4)).isEmpty();
    assertThat(store.find(ACME, 10).orElseThrow().uses()).isEqualTo(2);
    assertThat(store.find(ACME, 10).orElseThrow().exhausted()).isTrue();
  }

  @Test
  void redeemAtOrAfterTheExpiryIsExpired() {
    Invite i = invite(10, Role.MEMBER, 5);
    create(i);

    assertThat(store.redeem(10, BOB, i.expiresAt())).isEqualTo(Redemption.EXPIRED);
    assertThat(store.redeem(10, BOB, i.expiresAt().plusSeconds(1))).isEqualTo(Redemption.EXPIRED);
    assertThat(workspaces.member(ACME, BOB)).isEmpty();
    assertThat(store.redeem(10, BOB, i.expiresAt().minusMillis(1))).isEqualTo(Redemption.JOINED);
    assertThat(store.find(ACME, 10).orElseThrow().uses()).isEqualTo(1);
  }

  @Test
  void redeemOfAnUnknownInviteIsNotFound() {
    assertThat(store.redeem(99, BOB, NOW)).isEqualTo(Redemption.NOT_FOUND);
    assertThat(workspaces.member(ACME, BOB)).isEmpty();
  }

  @Test
  void concurrentRedemptionsOfASingleUseInviteJoinExactlyOne() {
    create(invite(10, Role.MEMBER, 1));

    var outcomes = Concurrently.race(8, i -> () -> store.redeem(10, 1000 + i, NOW));

    assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded);
    assertThat(outcomes).extracting(Concurrently.Outcome::value).filteredOn(r -> r == Redemption.JOINED).hasSize(1);
    assertThat(outcomes).extracting(Concurrently.Outcome::value).filteredOn(r -> r == Redemption.EXHAUSTED).hasSize(7);
    assertThat(store.find(ACME, 10).orElseThrow().uses()).isEqualTo(1);
    assertThat(scalar("SELECT COUNT(*) FROM chat_workspace_members WHERE workspace_id = ? AND user_id >= 1000", ACME)).isEqualTo(1);
  }

  @Test
  void concurrentRedemptionsCountEveryUseExactly() {
    create(invite(10, Role.MEMBER, 3));

    var outcomes = Concurrently.race(8, i -> () -> store.redeem(10, 1000 + i, NOW));

    assertThat(outcomes).extracting(Concurrently.Outcome::value).filteredOn(r -> r == Redemption.JOINED).hasSize(3);
    assertThat(store.find(ACME, 10).orElseThrow().uses()).isEqualTo(3);
    assertThat(scalar("SELECT COUNT(*) FROM chat_workspace_members WHERE workspace_id = ? AND user_id >= 1000", ACME)).isEqualTo(3);
  }

  @Test
  void concurrentRedemptionsByOneUserSpendOneUse() {
    create(invite(10, Role.MEMBER, 5));

    var outcomes = Concurrently.race(8, i -> () -> store.redeem(10, BOB, NOW));

    assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded);
    List<Redemption> results = outcomes.stream().map(Concurrently.Outcome::value).toList();
    assertThat(results).filteredOn(r -> r == Redemption.JOINED).hasSize(1);
    assertThat(results).filteredOn(r -> r == Redemption.ALREADY_MEMBER).hasSize(7);
    assertThat(store.find(ACME, 10).orElseThrow().uses()).isEqualTo(1);
  }
}
