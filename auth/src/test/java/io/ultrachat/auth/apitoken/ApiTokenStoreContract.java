package io.ultrachat.auth.apitoken;

import static io.ultrachat.auth.TestUsers.BASE;
import static io.ultrachat.auth.TestUsers.bot;
import static io.ultrachat.auth.TestUsers.person;
import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.auth.StoreContract;
import io.ultrachat.testkit.store.StoreFixture.Backend;
import io.ultrachat.auth.account.JdbcUserStore;
import io.ultrachat.auth.account.UserStore;
import io.ultrachat.store.jdbc.Database;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@link ApiTokenStore} contract; subclasses name the backend. */
public abstract class ApiTokenStoreContract extends StoreContract {
  private static final long ALICE = 1;
  private static final long BOB = 2;
  private static final long ALICES_BOT = 3;

  private ApiTokenStore store;

  protected ApiTokenStoreContract(Backend backend) {
    super(backend);
  }

  /** The implementation under test; the JDBC one unless a subclass says otherwise. */
  protected ApiTokenStore newStore(Database db) {
    return new JdbcApiTokenStore(db);
  }

  @BeforeEach
  void createStoreAndUsers() {
    UserStore users = new JdbcUserStore(db());
    users.insert(person(ALICE, "alice"));
    users.insert(person(BOB, "bob"));
    users.insert(bot(ALICES_BOT, "alice-bot", Optional.of(ALICE), BASE));
    store = newStore(db());
  }

  /** An unrevoked, never-used, non-expiring token made by its holder at {@code createdAt}. */
  private static ApiToken token(long id, long userId, Instant createdAt) {
    return new ApiToken(id, userId, "token " + id, "sha256-token-" + id, Set.of("messages:read"), userId, createdAt,
        Optional.empty(), Optional.empty(), Optional.empty());
  }

  private static ApiToken expiringAt(ApiToken t, Instant expiresAt) {
    return new ApiToken(t.id(), t.userId(), t.name(), t.tokenHash(), t.scopes(), t.createdBy(), t.createdAt(),
        Optional.of(expiresAt), t.lastUsedAt(), t.revokedAt());
  }

  // --- insert / find ---

  @Test
  void insertedTokenRoundTripsByHashAndByIdAtMillisecondPrecision() {
    ApiToken t = new ApiToken(10, ALICES_BOT, "deploy hook", "sha256-abc", Set.of("messages:write", "channels:read", "messages:read"),
        ALICE, BASE.plusMillis(123), Optional.of(BASE.plus(Duration.ofDays(90)).plusMillis(456)),
        Optional.of(BASE.plusSeconds(5).plusMillis(789)), Optional.empty());
    store.insert(t);

    assertThat(store.findByHash("sha256-abc")).contains(t);
    assertThat(store.findById(10)).contains(t);
    ApiToken found = store.findById(10).orElseThrow();
    assertThat(found.scopes()).containsExactlyInAnyOrder("messages:read", "messages:write", "channels:read");
    assertThat(found.createdBy()).isEqualTo(ALICE);
    assertThat(found.userId()).isEqualTo(ALICES_BOT);
  }

  @Test
  void tokenWithoutExpiryOrUseRoundTrips() {
    ApiToken t = token(10, ALICE, BASE);
    store.insert(t);

    ApiToken found = store.findByHash(t.tokenHash()).orElseThrow();
    assertThat(found).isEqualTo(t);
    assertThat(found.expiresAt()).isEmpty();
    assertThat(found.lastUsedAt()).isEmpty();
    assertThat(found.revokedAt()).isEmpty();
  }

  @Test
  void tokenWithASingleScopeOrNoScopesRoundTrips() {
    ApiToken single = new ApiToken(10, ALICE, "one", "h-one", Set.of("admin"), ALICE, BASE, Optional.empty(),
        Optional.empty(), Optional.empty());
    ApiToken none = new ApiToken(11, ALICE, "none", "h-none", Set.of(), ALICE, BASE, Optional.empty(),
        Optional.empty(), Optional.empty());
    store.insert(single);
    store.insert(none);

    assertThat(store.findById(10)).contains(single);
    assertThat(store.findById(11)).contains(none);
    assertThat(store.findById(11).orElseThrow().scopes()).isEmpty();
  }

  @Test
  void revokedAtRoundTrips() {
    Instant revoked = BASE.plusSeconds(77).plusMillis(7);
    ApiToken t = new ApiToken(10, ALICE, "old", "h-old", Set.of("messages:read"), ALICE, BASE, Optional.empty(),
        Optional.empty(), Optional.of(revoked));
    store.insert(t);

    assertThat(store.findById(10)).contains(t);
  }

  @Test
  void unknownHashAndIdAreEmpty() {
    store.insert(token(10, ALICE, BASE));

    assertThat(store.findByHash("sha256-token-11")).isEmpty();
    assertThat(store.findByHash("")).isEmpty();
    assertThat(store.findById(11)).isEmpty();
  }

  // --- listUnrevoked ---

  @Test
  void listUnrevokedIsNewestFirstIncludesExpiredAndExcludesRevokedAndOtherUsers() {
    ApiToken oldest = token(10, ALICE, BASE);
    ApiToken expired = expiringAt(token(11, ALICE, BASE.plusSeconds(10)), BASE.plusSeconds(20));
    ApiToken revoked = token(12, ALICE, BASE.plusSeconds(20));
    ApiToken newest = token(13, ALICE, BASE.plusSeconds(30));
    ApiToken bobs = token(14, BOB, BASE.plusSeconds(40));
    // Inserted out of order so that insertion order is not age order.
    store.insert(newest);
    store.insert(oldest);
    store.insert(bobs);
    store.insert(revoked);
    store.insert(expired);
    assertThat(store.revoke(12, BASE.plusSeconds(50))).isTrue();

    assertThat(store.listUnrevoked(ALICE)).containsExactly(newest, expired, oldest);
    assertThat(store.listUnrevoked(BOB)).containsExactly(bobs);
    assertThat(store.listUnrevoked(ALICES_BOT)).isEmpty();
  }

  // --- countUsable ---

  @Test
  void countUsableExcludesRevokedAndExpiredTokens() {
    Instant now = BASE.plus(Duration.ofDays(7));
    store.insert(token(10, ALICE, BASE));                                            // no expiry: usable
    store.insert(expiringAt(token(11, ALICE, BASE), now.plusMillis(1)));             // expires just after: usable
    store.insert(expiringAt(token(12, ALICE, BASE), now));                           // expires now: not usable
    store.insert(expiringAt(token(13, ALICE, BASE), now.minus(Duration.ofDays(1)))); // expired: not usable
    store.insert(token(14, ALICE, BASE));                                            // revoked below
    store.insert(expiringAt(token(15, ALICE, BASE), now.plus(Duration.ofDays(1))));  // revoked below
    store.insert(token(16, BOB, BASE));                                              // another user's
    store.revoke(14, BASE.plusSeconds(1));
    store.revoke(15, BASE.plusSeconds(1));

    assertThat(store.countUsable(ALICE, now)).isEqualTo(2);
    assertThat(store.countUsable(BOB, now)).isEqualTo(1);
    assertThat(store.countUsable(ALICES_BOT, now)).isZero();
    assertThat(store.countUsable(ALICE, now.plus(Duration.ofDays(30)))).isEqualTo(1);
  }

  // --- revoke ---

  @Test
  void revokeSucceedsOnceThenIsFalse() {
    ApiToken t = token(10, ALICE, BASE);
    ApiToken other = token(11, ALICE, BASE);
    store.insert(t);
    store.insert(other);
    Instant at = BASE.plusSeconds(30).plusMillis(3);

    assertThat(store.revoke(10, at)).isTrue();
    assertThat(store.findById(10).orElseThrow().revokedAt()).contains(at);
    assertThat(store.findByHash(t.tokenHash()).orElseThrow().usableAt(at)).isFalse();

    assertThat(store.revoke(10, BASE.plusSeconds(60))).isFalse();
    assertThat(store.findById(10).orElseThrow().revokedAt()).contains(at);

    assertThat(store.findById(11)).contains(other);
  }

  @Test
  void revokeOfUnknownTokenIsFalse() {
    ApiToken t = token(10, ALICE, BASE);
    store.insert(t);

    assertThat(store.revoke(99, BASE.plusSeconds(1))).isFalse();
    assertThat(store.findById(10)).contains(t);
  }

  // --- revokeAllOfUser ---

  @Test
  void revokeAllOfUserCountsWhatItRevokedAndLeavesOtherUsersAlone() {
    store.insert(token(10, ALICE, BASE));
    store.insert(token(11, ALICE, BASE));
    store.insert(expiringAt(token(12, ALICE, BASE), BASE.plusSeconds(1)));
    store.insert(token(13, ALICE, BASE));
    ApiToken bobs = token(14, BOB, BASE);
    store.insert(bobs);
    Instant earlier = BASE.plusSeconds(5);
    store.revoke(13, earlier);
    Instant at = BASE.plusSeconds(60).plusMillis(9);

    assertThat(store.revokeAllOfUser(ALICE, at)).isEqualTo(3);

    for (long id = 10; id <= 12; id++) {
      assertThat(store.findById(id).orElseThrow().revokedAt()).contains(at);
    }
    assertThat(store.findById(13).orElseThrow().revokedAt()).contains(earlier);
    assertThat(store.findById(14)).contains(bobs);
    assertThat(store.listUnrevoked(ALICE)).isEmpty();
    assertThat(store.countUsable(BOB, at)).isEqualTo(1);

    assertThat(store.revokeAllOfUser(ALICE, BASE.plusSeconds(120))).isZero();
    assertThat(store.findById(10).orElseThrow().revokedAt()).contains(at);
  }

  @Test
  void revokeAllOfUserWithoutTokensIsZero() {
    ApiToken t = token(10, ALICE, BASE);
    store.insert(t);

    assertThat(store.revokeAllOfUser(BOB, BASE.plusSeconds(1))).isZero();
    assertThat(store.findById(10)).contains(t);
  }

  // --- touch ---

  @Test
  void touchSetsLastUsedOfThatTokenOnly() {
    ApiToken t = token(10, ALICE, BASE);
    ApiToken other = token(11, ALICE, BASE);
    store.insert(t);
    store.insert(other);
    Instant first = BASE.plusSeconds(10).plusMillis(1);
    Instant second = BASE.plusSeconds(20).plusMillis(2);

    store.touch(10, first);
    assertThat(store.findById(10).orElseThrow().lastUsedAt()).contains(first);

    store.touch(10, second);
    ApiToken touched = store.findByHash(t.tokenHash()).orElseThrow();
    assertThat(touched.lastUsedAt()).contains(second);
    assertThat(touched.revokedAt()).isEmpty();
    assertThat(touched.createdAt()).isEqualTo(BASE);

    assertThat(store.findById(11)).contains(other);
  }

  @Test
  void touchOfUnknownTokenDoesNothing() {
    ApiToken t = token(10, ALICE, BASE);
    store.insert(t);

    store.touch(99, BASE.plusSeconds(1));

    assertThat(store.findById(99)).isEmpty();
    assertThat(store.findById(10)).contains(t);
  }
}
