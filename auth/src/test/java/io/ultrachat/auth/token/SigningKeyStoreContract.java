package io.ultrachat.auth.token;

import static io.ultrachat.auth.TestUsers.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.testkit.store.Concurrently;
import io.ultrachat.auth.StoreContract;
import io.ultrachat.testkit.store.StoreFixture.Backend;
import io.ultrachat.store.jdbc.Database;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@link SigningKeyStore} contract; subclasses name the backend. */
public abstract class SigningKeyStoreContract extends StoreContract {
  private SigningKeyStore store;

  protected SigningKeyStoreContract(Backend backend) {
    super(backend);
  }

  /** The implementation under test; the JDBC one unless a subclass says otherwise. */
  protected SigningKeyStore newStore(Database db) {
    return new JdbcSigningKeyStore(db);
  }

  @BeforeEach
  void createStore() {
    store = newStore(db());
  }

  /** A signing key; kids are chosen so that their alphabetical order is not their age order. */
  private static SigningKey key(String kid, Instant createdAt) {
    return new SigningKey(kid, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-private-" + kid,
        "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A-public-" + kid, createdAt, Optional.empty(), Optional.empty());
  }

  private static SigningKey find(List<SigningKey> keys, String kid) {
    return keys.stream().filter(k -> k.kid().equals(kid)).findFirst()
        .orElseThrow(() -> new AssertionError("no key " + kid + " in " + keys));
  }

  @Test
  void noKeysVerifyInAnEmptyStore() {
    assertThat(store.listVerifying(BASE)).isEmpty();
  }

  @Test
  void firstKeyIsInsertedAndRoundTrips() {
    SigningKey first = key("kid-1", BASE.plusMillis(321));

    assertThat(store.insertIfNoneSigning(first)).isTrue();

    assertThat(store.listVerifying(BASE.plusSeconds(1))).containsExactly(first);
    assertThat(first.signs()).isTrue();
  }

  @Test
  void secondKeyIsRefusedWhileOneSigns() {
    SigningKey first = key("kid-1", BASE);
    assertThat(store.insertIfNoneSigning(first)).isTrue();

    assertThat(store.insertIfNoneSigning(key("kid-2", BASE.plusSeconds(1)))).isFalse();

    assertThat(store.listVerifying(BASE.plusSeconds(2))).containsExactly(first);
  }

  @Test
  void rotateToRetiresTheSigningKeyUntilTheGracePeriodEnds() {
    SigningKey old = key("z-old", BASE);
    store.insertIfNoneSigning(old);
    Instant rotatedAt = BASE.plus(Duration.ofDays(30));
    Instant graceUntil = rotatedAt.plus(Duration.ofDays(2)).plusMillis(17);
    SigningKey next = key("a-new", rotatedAt);

    store.rotateTo(next, graceUntil);

    var keys = store.listVerifying(rotatedAt);
    assertThat(keys).extracting(SigningKey::kid).containsExactly("a-new", "z-old");
    SigningKey newKey = find(keys, "a-new");
    assertThat(newKey).isEqualTo(next);
    assertThat(newKey.signs()).isTrue();
    SigningKey retired = find(keys, "z-old");
    assertThat(retired.signs()).isFalse();
    assertThat(retired.retiredAt()).isPresent();
    assertThat(retired.verifyUntil()).contains(graceUntil);
    assertThat(retired.privateKey()).isEqualTo(old.privateKey());
    assertThat(retired.publicKey()).isEqualTo(old.publicKey());
    assertThat(retired.createdAt()).isEqualTo(old.createdAt());
    assertThat(keys).filteredOn(SigningKey::signs).extracting(SigningKey::kid).containsExactly("a-new");
  }

  @Test
  void afterARotationInsertIfNoneSigningIsStillRefused() {
    store.insertIfNoneSigning(key("kid-1", BASE));
    store.rotateTo(key("kid-2", BASE.plusSeconds(10)), BASE.plusSeconds(100));

    assertThat(store.insertIfNoneSigning(key("kid-3", BASE.plusSeconds(20)))).isFalse();

    assertThat(store.listVerifying(BASE.plusSeconds(20))).extracting(SigningKey::kid).containsExactly("kid-2", "kid-1");
  }

  @Test
  void rotateToOnAnEmptyStoreMakesTheKeySign() {
    SigningKey only = key("kid-1", BASE);

    store.rotateTo(only, BASE.plusSeconds(100));

    assertThat(store.listVerifying(BASE.plusSeconds(1))).containsExactly(only);
    assertThat(store.insertIfNoneSigning(key("kid-2", BASE.plusSeconds(1)))).isFalse();
  }

  @Test
  void listVerifyingExcludesKeysWhoseGraceEndedAtOrBeforeNow() {
    store.insertIfNoneSigning(key("z-old", BASE));
    Instant graceUntil = BASE.plus(Duration.ofDays(2));
    store.rotateTo(key("a-new", BASE.plus(Duration.ofDays(1))), graceUntil);

    assertThat(store.listVerifying(graceUntil.minusMillis(1))).extracting(SigningKey::kid).containsExactly("a-new", "z-old");
    assertThat(store.listVerifying(graceUntil)).extracting(SigningKey::kid).containsExactly("a-new");
    assertThat(store.listVerifying(graceUntil.plus(Duration.ofDays(365)))).extracting(SigningKey::kid).containsExactly("a-new");
  }

  @Test
  void successiveRotationsRetireOnlyTheSigningKeyAndListNewestFirst() {
    Instant t1 = BASE.plus(Duration.ofDays(10));
    Instant t2 = BASE.plus(Duration.ofDays(20));
    Instant grace1 = t1.plus(Duration.ofDays(15));
    Instant grace2 = t2.plus(Duration.ofDays(15));
    store.insertIfNoneSigning(key("m-first", BASE));
    store.rotateTo(key("z-second", t1), grace1);
    store.rotateTo(key("a-third", t2), grace2);

    var keys = store.listVerifying(t2);
    assertThat(keys).extracting(SigningKey::kid).containsExactly("a-third", "z-second", "m-first");
    // The first key was no longer signing, so the second rotation must not move its grace period.
    assertThat(find(keys, "m-first").verifyUntil()).contains(grace1);
    assertThat(find(keys, "z-second").verifyUntil()).contains(grace2);
    assertThat(find(keys, "z-second").signs()).isFalse();
    assertThat(find(keys, "a-third").signs()).isTrue();
    assertThat(find(keys, "a-third").verifyUntil()).isEmpty();

    assertThat(store.listVerifying(grace1)).extracting(SigningKey::kid).containsExactly("a-third", "z-second");
    assertThat(store.listVerifying(grace2)).extracting(SigningKey::kid).containsExactly("a-third");
  }

  // --- concurrency (each method is atomic) ---

  @Test
  void concurrentInsertIfNoneSigningInsertsExactlyOneKey() {
    List<Concurrently.Outcome<Boolean>> outcomes =
        Concurrently.race(4, i -> () -> store.insertIfNoneSigning(key("kid-" + i, BASE.plusMillis(i))));

    assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded);
    assertThat(outcomes).filteredOn(Concurrently.Outcome::value).hasSize(1);
    assertThat(store.listVerifying(BASE.plusSeconds(1))).hasSize(1).allMatch(SigningKey::signs);
  }

  @Test
  void concurrentRotationsLeaveExactlyOneSigningKey() {
    store.insertIfNoneSigning(key("kid-0", BASE));

    List<Concurrently.Outcome<Boolean>> outcomes = Concurrently.race(4, i -> () -> {
      store.rotateTo(key("kid-" + (i + 1), BASE.plusSeconds(i + 1)), BASE.plus(Duration.ofDays(1)));
      return true;
    });

    assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded);
    List<SigningKey> keys = store.listVerifying(BASE.plusSeconds(10));
    assertThat(keys).hasSize(5);
    assertThat(keys).filteredOn(SigningKey::signs).hasSize(1);
  }
}
