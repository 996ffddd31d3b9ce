package io.ultrachat.auth.session;

import static io.ultrachat.auth.TestUsers.BASE;
import static io.ultrachat.auth.TestUsers.person;
import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.testkit.store.Concurrently;
import io.ultrachat.auth.StoreContract;
import io.ultrachat.testkit.store.StoreFixture.Backend;
import io.ultrachat.auth.account.JdbcUserStore;
import io.ultrachat.auth.account.UserStore;
import io.ultrachat.store.jdbc.Database;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@link SessionStore} contract; subclasses name the backend. */
public abstract class SessionStoreContract extends StoreContract {
  private static final long ALICE = 1;
  private static final long BOB = 2;
  private static final Duration TTL = Duration.ofDays(30);

  private SessionStore store;

  protected SessionStoreContract(Backend backend) {
    super(backend);
  }

  /** The implementation under test; the JDBC one unless a subclass says otherwise. */
  protected SessionStore newStore(Database db) {
    return new JdbcSessionStore(db);
  }

  @BeforeEach
  void createStoreAndUsers() {
    UserStore users = new JdbcUserStore(db());
    users.insert(person(ALICE, "alice"));
    users.insert(person(BOB, "bob"));
    store = newStore(db());
  }

  /** A live session created at {@code createdAt}, expiring {@link #TTL} later, last used when created. */
  private static Session session(long id, long userId, Instant createdAt) {
    return new Session(id, userId, createdAt, createdAt.plus(TTL), createdAt, Optional.empty(), Optional.empty(),
        "Mozilla/5.0 (test " + id + ")", "192.0.2." + id);
  }

  private static Session withExpiry(Session s, Instant expiresAt) {
    return new Session(s.id(), s.userId(), s.createdAt(), expiresAt, s.lastUsedAt(), s.revokedAt(), s.revokeReason(),
        s.userAgent(), s.clientAddress());
  }

  private static Session withLastUsed(Session s, Instant lastUsedAt) {
    return new Session(s.id(), s.userId(), s.createdAt(), s.expiresAt(), lastUsedAt, s.revokedAt(), s.revokeReason(),
        s.userAgent(), s.clientAddress());
  }

  private static String hash(String name) {
    return "sha256-" + name;
  }

  // --- create / find ---

  @Test
  void createdSessionRoundTripsEveryFieldAtMillisecondPrecision() {
    Session s = new Session(10, ALICE, BASE.plusMillis(111), BASE.plus(TTL).plusMillis(222), BASE.plusMillis(333),
        Optional.empty(), Optional.empty(), "curl/8.5.0", "2001:db8::1");
    store.create(s, hash("a"));

    assertThat(store.findById(10)).contains(s);
  }

  @Test
  void findByIdOfUnknownSessionIsEmpty() {
    store.create(session(10, ALICE, BASE), hash("a"));

    assertThat(store.findById(11)).isEmpty();
  }

  @Test
  void firstRefreshTokenIsActiveAndLeadsToItsSession() {
    Session s = session(10, ALICE, BASE);
    store.create(s, hash("a"));

    assertThat(store.findByRefreshTokenHash(hash("a"))).contains(new RefreshTokenState(s, false));
  }

  @Test
  void unknownRefreshTokenHashIsEmpty() {
    store.create(session(10, ALICE, BASE), hash("a"));

    assertThat(store.findByRefreshTokenHash(hash("b"))).isEmpty();
    assertThat(store.findByRefreshTokenHash("")).isEmpty();
  }

  @Test
  void refreshTokensLeadToTheirOwnSessions() {
    Session a = session(10, ALICE, BASE);
    Session b = session(11, BOB, BASE.plusSeconds(1));
    store.create(a, hash("a"));
    store.create(b, hash("b"));

    assertThat(store.findByRefreshTokenHash(hash("a")).map(RefreshTokenState::session)).contains(a);
    assertThat(store.findByRefreshTokenHash(hash("b")).map(RefreshTokenState::session)).contains(b);
  }

  // --- rotateRefreshToken ---

  @Test
  void rotationMovesExpiryAndMarksTheOldTokenRotated() {
    Session s = session(10, ALICE, BASE);
    store.create(s, hash("a"));
    Instant at = BASE.plus(Duration.ofDays(1));
    Instant newExpiry = at.plus(TTL).plusMillis(5);

    assertThat(store.rotateRefreshToken(10, hash("a"), hash("b"), newExpiry, at)).isTrue();

    Session after = store.findById(10).orElseThrow();
    assertThat(after.expiresAt()).isEqualTo(newExpiry);
    assertThat(after.createdAt()).isEqualTo(s.createdAt());
    assertThat(after.revokedAt()).isEmpty();

    RefreshTokenState old = store.findByRefreshTokenHash(hash("a")).orElseThrow();
    assertThat(old.rotated()).isTrue();
    assertThat(old.session()).isEqualTo(after);

    RefreshTokenState current = store.findByRefreshTokenHash(hash("b")).orElseThrow();
    assertThat(current.rotated()).isFalse();
    assertThat(current.session()).isEqualTo(after);
  }

  @Test
  void rotationChainsFromTheNewToken() {
    store.create(session(10, ALICE, BASE), hash("a"));
    Instant expiry2 = BASE.plus(TTL).plusSeconds(20);

    assertThat(store.rotateRefreshToken(10, hash("a"), hash("b"), BASE.plus(TTL).plusSeconds(10), BASE.plusSeconds(10)))
        .isTrue();
    assertThat(store.rotateRefreshToken(10, hash("b"), hash("c"), expiry2, BASE.plusSeconds(20))).isTrue();

    assertThat(store.findByRefreshTokenHash(hash("a")).orElseThrow().rotated()).isTrue();
    assertThat(store.findByRefreshTokenHash(hash("b")).orElseThrow().rotated()).isTrue();
    assertThat(store.findByRefreshTokenHash(hash("c")).orElseThrow().rotated()).isFalse();
    assertThat(store.findById(10).orElseThrow().expiresAt()).isEqualTo(expiry2);
  }

  @Test
  void rotatingARotatedTokenAgainIsRefusedAndChangesNothing() {
    store.create(session(10, ALICE, BASE), hash("a"));
    Instant firstExpiry = BASE.plus(TTL).plusSeconds(10);
    assertThat(store.rotateRefreshToken(10, hash("a"), hash("b"), firstExpiry, BASE.plusSeconds(10))).isTrue();
    Session before = store.findById(10).orElseThrow();

    // A replay of the old token (or a concurrent refresh that lost the race).
    boolean rotated = store.rotateRefreshToken(10, hash("a"), hash("c"), BASE.plus(TTL).plusSeconds(99), BASE.plusSeconds(99));

    assertThat(rotated).isFalse();
    assertThat(store.findById(10)).contains(before);
    assertThat(store.findById(10).orElseThrow().expiresAt()).isEqualTo(firstExpiry);
    assertThat(store.findByRefreshTokenHash(hash("c"))).isEmpty();
    assertThat(store.findByRefreshTokenHash(hash("b")).orElseThrow().rotated()).isFalse();
    assertThat(store.findByRefreshTokenHash(hash("a")).orElseThrow().rotated()).isTrue();
  }

  @Test
  void rotatingAnUnknownTokenIsRefusedAndChangesNothing() {
    Session s = session(10, ALICE, BASE);
    store.create(s, hash("a"));

    assertThat(store.rotateRefreshToken(10, hash("nope"), hash("b"), BASE.plus(TTL).plusSeconds(99), BASE.plusSeconds(99)))
        .isFalse();

    assertThat(store.findById(10)).contains(s);
    assertThat(store.findByRefreshTokenHash(hash("b"))).isEmpty();
    assertThat(store.findByRefreshTokenHash(hash("a"))).contains(new RefreshTokenState(s, false));
  }

  @Test
  void rotatingAnotherSessionsTokenIsRefusedAndChangesNeitherSession() {
    Session a = session(10, ALICE, BASE);
    Session b = session(11, ALICE, BASE.plusSeconds(1));
    store.create(a, hash("a"));
    store.create(b, hash("b"));

    assertThat(store.rotateRefreshToken(11, hash("a"), hash("c"), BASE.plus(TTL).plusSeconds(99), BASE.plusSeconds(99)))
        .isFalse();

    assertThat(store.findById(10)).contains(a);
    assertThat(store.findById(11)).contains(b);
    assertThat(store.findByRefreshTokenHash(hash("a"))).contains(new RefreshTokenState(a, false));
    assertThat(store.findByRefreshTokenHash(hash("b"))).contains(new RefreshTokenState(b, false));
    assertThat(store.findByRefreshTokenHash(hash("c"))).isEmpty();
  }

  // --- touch ---

  @Test
  void touchMovesLastUsedForwardOnly() {
    Session s = session(10, ALICE, BASE);
    Session other = session(11, ALICE, BASE);
    store.create(s, hash("a"));
    store.create(other, hash("b"));
    Instant later = BASE.plusSeconds(300).plusMillis(9);

    store.touch(10, later);
    assertThat(store.findById(10)).contains(withLastUsed(s, later));

    store.touch(10, BASE.plusSeconds(100));
    assertThat(store.findById(10).orElseThrow().lastUsedAt()).isEqualTo(later);

    store.touch(10, later);
    assertThat(store.findById(10).orElseThrow().lastUsedAt()).isEqualTo(later);

    assertThat(store.findById(11)).contains(other);
  }

  @Test
  void touchOfUnknownSessionDoesNothing() {
    Session s = session(10, ALICE, BASE);
    store.create(s, hash("a"));

    store.touch(99, BASE.plusSeconds(5));

    assertThat(store.findById(99)).isEmpty();
    assertThat(store.findById(10)).contains(s);
  }

  // --- listLive ---

  @Test
  void listLiveExcludesRevokedAndExpiredAndOrdersByLastUseNewestFirst() {
    Instant now = BASE.plus(Duration.ofDays(10));
    Session used1 = withLastUsed(session(10, ALICE, BASE), BASE.plusSeconds(100));
    Session used3 = withLastUsed(session(11, ALICE, BASE), BASE.plusSeconds(300));
    Session used2 = withLastUsed(session(12, ALICE, BASE), BASE.plusSeconds(200));
    Session revoked = withLastUsed(session(13, ALICE, BASE), BASE.plusSeconds(400));
    Session expiresNow = withExpiry(withLastUsed(session(14, ALICE, BASE), BASE.plusSeconds(500)), now);
    Session expiredEarlier = withExpiry(session(15, ALICE, BASE), now.minusMillis(1));
    Session expiresSoon = withExpiry(withLastUsed(session(16, ALICE, BASE), BASE.plusSeconds(50)), now.plusMillis(1));
    Session bobs = withLastUsed(session(17, BOB, BASE), BASE.plusSeconds(600));
    int i = 0;
    for (Session s : new Session[] {used1, used3, used2, revoked, expiresNow, expiredEarlier, expiresSoon, bobs}) {
      store.create(s, hash("t" + i++));
    }
    assertThat(store.revoke(13, "logout", BASE.plusSeconds(450))).isTrue();

    assertThat(store.listLive(ALICE, now)).containsExactly(used3, used2, used1, expiresSoon);
    assertThat(store.listLive(BOB, now)).containsExactly(bobs);
  }

  @Test
  void listLiveFollowsTouches() {
    store.create(session(10, ALICE, BASE), hash("a"));
    store.create(session(11, ALICE, BASE), hash("b"));
    store.touch(10, BASE.plusSeconds(10));
    store.touch(11, BASE.plusSeconds(20));
    assertThat(store.listLive(ALICE, BASE.plusSeconds(30))).extracting(Session::id).containsExactly(11L, 10L);

    store.touch(10, BASE.plusSeconds(40));
    assertThat(store.listLive(ALICE, BASE.plusSeconds(50))).extracting(Session::id).containsExactly(10L, 11L);
  }

  @Test
  void listLiveOfUserWithoutSessionsIsEmpty() {
    store.create(session(10, ALICE, BASE), hash("a"));

    assertThat(store.listLive(BOB, BASE)).isEmpty();
    assertThat(store.listLive(ALICE, BASE.plus(TTL))).isEmpty();
  }

  // --- revoke ---

  @Test
  void revokeSucceedsOnceThenIsFalse() {
    Session s = session(10, ALICE, BASE);
    Session other = session(11, ALICE, BASE);
    store.create(s, hash("a"));
    store.create(other, hash("b"));
    Instant at = BASE.plusSeconds(60).plusMillis(3);

    assertThat(store.revoke(10, "logout", at)).isTrue();
    Session revoked = store.findById(10).orElseThrow();
    assertThat(revoked.revokedAt()).contains(at);
    assertThat(revoked.revokeReason()).contains("logout");
    assertThat(revoked.isLive(at)).isFalse();

    assertThat(store.revoke(10, "admin", BASE.plusSeconds(120))).isFalse();
    Session still = store.findById(10).orElseThrow();
    assertThat(still.revokedAt()).contains(at);
    assertThat(still.revokeReason()).contains("logout");

    assertThat(store.findById(11)).contains(other);
  }

  @Test
  void revokeOfUnknownSessionIsFalse() {
    store.create(session(10, ALICE, BASE), hash("a"));

    assertThat(store.revoke(99, "logout", BASE.plusSeconds(1))).isFalse();
    assertThat(store.findById(10).orElseThrow().revokedAt()).isEmpty();
  }

  @Test
  void revokedSessionStillAnswersForItsRefreshToken() {
    store.create(session(10, ALICE, BASE), hash("a"));
    store.revoke(10, "logout", BASE.plusSeconds(1));

    RefreshTokenState state = store.findByRefreshTokenHash(hash("a")).orElseThrow();
    assertThat(state.session().revokedAt()).contains(BASE.plusSeconds(1));
    assertThat(state.rotated()).isFalse();
  }

  // --- revokeAllOfUser ---

  @Test
  void revokeAllOfUserKeepsTheGivenSessionAndLeavesOtherUsersAlone() {
    store.create(session(10, ALICE, BASE), hash("a"));
    store.create(session(11, ALICE, BASE), hash("b"));
    store.create(session(12, ALICE, BASE), hash("c"));
    store.create(session(13, ALICE, BASE), hash("d"));
    Session bobs = session(14, BOB, BASE);
    store.create(bobs, hash("e"));
    Instant earlier = BASE.plusSeconds(10);
    assertThat(store.revoke(13, "logout", earlier)).isTrue();
    Instant at = BASE.plusSeconds(60).plusMillis(1);

    assertThat(store.revokeAllOfUser(ALICE, 11, "password-changed", at)).containsExactlyInAnyOrder(10L, 12L);

    for (long id : new long[] {10, 12}) {
      Session s = store.findById(id).orElseThrow();
      assertThat(s.revokedAt()).contains(at);
      assertThat(s.revokeReason()).contains("password-changed");
    }
    assertThat(store.findById(11).orElseThrow().revokedAt()).isEmpty();
    Session alreadyRevoked = store.findById(13).orElseThrow();
    assertThat(alreadyRevoked.revokedAt()).contains(earlier);
    assertThat(alreadyRevoked.revokeReason()).contains("logout");
    assertThat(store.findById(14)).contains(bobs);
    assertThat(store.listLive(ALICE, at)).extracting(Session::id).containsExactly(11L);
  }

  @Test
  void revokeAllOfUserWithKeepZeroRevokesEverySessionThenNothing() {
    store.create(session(10, ALICE, BASE), hash("a"));
    store.create(session(11, ALICE, BASE), hash("b"));
    store.create(session(12, BOB, BASE), hash("c"));

    assertThat(store.revokeAllOfUser(ALICE, 0, "admin", BASE.plusSeconds(5))).containsExactlyInAnyOrder(10L, 11L);
    assertThat(store.listLive(ALICE, BASE.plusSeconds(5))).isEmpty();
    assertThat(store.revokeAllOfUser(ALICE, 0, "admin", BASE.plusSeconds(6))).isEmpty();
    assertThat(store.findById(10).orElseThrow().revokedAt()).contains(BASE.plusSeconds(5));
    assertThat(store.listLive(BOB, BASE.plusSeconds(6))).extracting(Session::id).containsExactly(12L);
  }

  @Test
  void revokeAllOfUserWithoutSessionsRevokesNothing() {
    store.create(session(10, ALICE, BASE), hash("a"));

    assertThat(store.revokeAllOfUser(BOB, 0, "admin", BASE.plusSeconds(5))).isEmpty();
    assertThat(store.findById(10).orElseThrow().revokedAt()).isEmpty();
  }

  // --- revokedSince ---

  @Test
  void revokedSinceReturnsSessionsRevokedAtOrAfterTheInstantOnly() {
    Instant since = BASE.plusSeconds(1000);
    for (long id = 10; id <= 14; id++) {
      store.create(session(id, id % 2 == 0 ? ALICE : BOB, BASE), hash("t" + id));
    }
    store.revoke(10, "logout", since.minusMillis(1));
    store.revoke(11, "logout", since);
    store.revoke(12, "logout", since.plusMillis(1));
    store.revoke(13, "logout", since.plusSeconds(3600));
    // 14 is never revoked.

    assertThat(store.revokedSince(since)).containsExactlyInAnyOrder(11L, 12L, 13L);
    assertThat(store.revokedSince(since.plusSeconds(3601))).isEmpty();
    assertThat(store.revokedSince(BASE)).containsExactlyInAnyOrder(10L, 11L, 12L, 13L);
  }

  // --- concurrency (each method is atomic) ---

  @Test
  void concurrentRotationsOfOneTokenLetExactlyOneWin() {
    store.create(session(10, ALICE, BASE), hash("a"));

    List<Concurrently.Outcome<Boolean>> outcomes = Concurrently.race(4, i -> () ->
        store.rotateRefreshToken(10, hash("a"), hash("next-" + i), BASE.plus(TTL).plusSeconds(i + 1), BASE.plusSeconds(i + 1)));

    assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded);
    assertThat(outcomes).filteredOn(Concurrently.Outcome::value).hasSize(1);
    int winner = outcomes.indexOf(outcomes.stream().filter(Concurrently.Outcome::value).findFirst().orElseThrow());
    for (int i = 0; i < 4; i++) {
      if (i == winner) {
        assertThat(store.findByRefreshTokenHash(hash("next-" + i)).orElseThrow().rotated()).isFalse();
      } else {
        assertThat(store.findByRefreshTokenHash(hash("next-" + i))).isEmpty();
      }
    }
    assertThat(store.findById(10).orElseThrow().expiresAt()).isEqualTo(BASE.plus(TTL).plusSeconds(winner + 1));
    assertThat(store.findByRefreshTokenHash(hash("a")).orElseThrow().rotated()).isTrue();
  }
}
