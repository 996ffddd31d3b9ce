package io.ultrachat.auth.account;

import static io.ultrachat.auth.TestUsers.BASE;
import static io.ultrachat.auth.TestUsers.bot;
import static io.ultrachat.auth.TestUsers.person;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ultrachat.testkit.store.Concurrently;
import io.ultrachat.auth.StoreContract;
import io.ultrachat.testkit.store.StoreFixture.Backend;
import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.DuplicateKeyException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@link UserStore} contract; subclasses name the backend. */
public abstract class UserStoreContract extends StoreContract {
  private UserStore store;

  protected UserStoreContract(Backend backend) {
    super(backend);
  }

  /** The implementation under test; the JDBC one unless a subclass says otherwise. */
  protected UserStore newStore(Database db) {
    return new JdbcUserStore(db);
  }

  @BeforeEach
  void createStore() {
    store = newStore(db());
  }

  private static User withAdmin(User u, boolean admin) {
    return new User(u.id(), u.username(), u.displayName(), u.kind(), admin, u.ownerId(), u.passwordHash(),
        u.createdAt(), u.updatedAt(), u.deactivatedAt());
  }

  // --- insert / find ---

  @Test
  void insertedPersonRoundTripsEveryFieldAtMillisecondPrecision() {
    User alice = new User(1, "Alice", "Alice Liddell", User.Kind.PERSON, true, Optional.empty(),
        Optional.of("$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA"),
        BASE.plusMillis(123), BASE.plus(Duration.ofDays(3)).plusMillis(987), Optional.empty());
    store.insert(alice);

    assertThat(store.findById(1)).contains(alice);
  }

  @Test
  void botRoundTripsWithOwnerAndWithoutPassword() {
    store.insert(person(1, "owner"));
    User bot = bot(2, "helper-bot", Optional.of(1L), BASE.plusMillis(5));
    store.insert(bot);

    User found = store.findById(2).orElseThrow();
    assertThat(found).isEqualTo(bot);
    assertThat(found.kind()).isEqualTo(User.Kind.BOT);
    assertThat(found.ownerId()).contains(1L);
    assertThat(found.passwordHash()).isEmpty();
    assertThat(found.admin()).isFalse();
  }

  @Test
  void deactivatedAtRoundTrips() {
    Instant deactivated = BASE.plusSeconds(3600).plusMillis(42);
    User gone = new User(7, "gone", "Gone", User.Kind.PERSON, false, Optional.empty(), Optional.of("h"),
        BASE, deactivated, Optional.of(deactivated));
    store.insert(gone);

    User found = store.findById(7).orElseThrow();
    assertThat(found).isEqualTo(gone);
    assertThat(found.deactivatedAt()).contains(deactivated);
    assertThat(found.active()).isFalse();
  }

  @Test
  void findByIdOfUnknownUserIsEmpty() {
    store.insert(person(1, "alice"));

    assertThat(store.findById(2)).isEmpty();
  }

  @Test
  void findByUsernameIgnoresCaseAndKeepsTheStoredSpelling() {
    store.insert(person(1, "Alice"));
    store.insert(person(2, "bob"));

    for (String asked : new String[] {"Alice", "alice", "ALICE", "aLiCe"}) {
      User found = store.findByUsername(asked).orElseThrow(() -> new AssertionError("not found as " + asked));
      assertThat(found.id()).isEqualTo(1);
      assertThat(found.username()).isEqualTo("Alice");
    }
    assertThat(store.findByUsername("BOB").map(User::id)).contains(2L);
    assertThat(store.findByUsername("carol")).isEmpty();
    assertThat(store.findByUsername("alic")).isEmpty();
  }

  @Test
  void usernameDifferingOnlyInCaseIsADuplicate() {
    store.insert(person(1, "Alice"));

    assertThatThrownBy(() -> store.insert(person(2, "aLICE"))).isInstanceOf(DuplicateKeyException.class);
    assertThatThrownBy(() -> store.insert(person(3, "Alice"))).isInstanceOf(DuplicateKeyException.class);

    assertThat(store.findById(2)).isEmpty();
    assertThat(store.findById(3)).isEmpty();
    assertThat(store.findByUsername("alice").map(User::id)).contains(1L);
  }

  @Test
  void duplicateIdIsADuplicate() {
    store.insert(person(1, "alice"));

    assertThatThrownBy(() -> store.insert(person(1, "bob"))).isInstanceOf(DuplicateKeyException.class);

    assertThat(store.findByUsername("bob")).isEmpty();
    assertThat(store.findById(1).map(User::username)).contains("alice");
  }

  // --- insertFirstPersonAsAdmin ---

  @Test
  void firstPersonBecomesAdminAndSecondDoesNot() {
    User first = store.insertFirstPersonAsAdmin(person(1, "alice"));
    User second = store.insertFirstPersonAsAdmin(person(2, "bob"));

    assertThat(first).isEqualTo(withAdmin(person(1, "alice"), true));
    assertThat(second).isEqualTo(person(2, "bob"));
    assertThat(store.findById(1)).contains(first);
    assertThat(store.findById(2)).contains(second);
    assertThat(store.findById(2).orElseThrow().admin()).isFalse();
  }

  @Test
  void aBotInsertedFirstDoesNotCountAsAPerson() {
    store.insert(bot(1, "early-bot", Optional.empty(), BASE));

    User first = store.insertFirstPersonAsAdmin(person(2, "alice"));

    assertThat(first.admin()).isTrue();
    assertThat(store.findById(2).orElseThrow().admin()).isTrue();
    assertThat(store.findById(1).orElseThrow().admin()).isFalse();
  }

  @Test
  void laterPersonIsStoredAsGivenIncludingAnAdminFlag() {
    store.insertFirstPersonAsAdmin(person(1, "alice"));

    User given = withAdmin(person(2, "bob"), true);
    User stored = store.insertFirstPersonAsAdmin(given);

    assertThat(stored).isEqualTo(given);
    assertThat(store.findById(2)).contains(given);
  }

  @Test
  void insertFirstPersonAsAdminRejectsATakenUsername() {
    store.insertFirstPersonAsAdmin(person(1, "alice"));

    assertThatThrownBy(() -> store.insertFirstPersonAsAdmin(person(2, "ALICE"))).isInstanceOf(DuplicateKeyException.class);
    assertThat(store.findById(2)).isEmpty();
  }

  // --- updates ---

  @Test
  void updateDisplayNameChangesOnlyThatUser() {
    store.insert(person(1, "alice"));
    store.insert(person(2, "bob"));
    Instant at = BASE.plusSeconds(60).plusMillis(7);

    assertThat(store.updateDisplayName(1, "Alice L.", at)).isTrue();

    User alice = store.findById(1).orElseThrow();
    assertThat(alice.displayName()).isEqualTo("Alice L.");
    assertThat(alice.updatedAt()).isEqualTo(at);
    assertThat(alice.createdAt()).isEqualTo(BASE);
    assertThat(alice.username()).isEqualTo("alice");
    assertThat(alice.passwordHash()).isEqualTo(person(1, "alice").passwordHash());
    assertThat(store.findById(2)).contains(person(2, "bob"));
  }

  @Test
  void updateDisplayNameOfUnknownUserIsFalse() {
    store.insert(person(1, "alice"));

    assertThat(store.updateDisplayName(99, "Nobody", BASE.plusSeconds(1))).isFalse();
    assertThat(store.findById(1)).contains(person(1, "alice"));
    assertThat(store.findById(99)).isEmpty();
  }

  @Test
  void updatePasswordHashChangesOnlyThatUser() {
    store.insert(person(1, "alice"));
    store.insert(person(2, "bob"));
    Instant at = BASE.plusSeconds(120).plusMillis(1);

    assertThat(store.updatePasswordHash(1, "new-hash", at)).isTrue();

    User alice = store.findById(1).orElseThrow();
    assertThat(alice.passwordHash()).contains("new-hash");
    assertThat(alice.updatedAt()).isEqualTo(at);
    assertThat(alice.displayName()).isEqualTo(person(1, "alice").displayName());
    assertThat(store.findById(2)).contains(person(2, "bob"));
  }

  @Test
  void updatePasswordHashOfUnknownUserIsFalse() {
    store.insert(person(1, "alice"));

    assertThat(store.updatePasswordHash(99, "h", BASE.plusSeconds(1))).isFalse();
    assertThat(store.findById(1)).contains(person(1, "alice"));
  }

  @Test
  void setAdminGrantsAndRevokesOnlyForThatUser() {
    store.insert(person(1, "alice"));
    store.insert(person(2, "bob"));

    assertThat(store.setAdmin(1, true, BASE.plusSeconds(10))).isTrue();
    assertThat(store.findById(1).orElseThrow().admin()).isTrue();
    assertThat(store.findById(1).orElseThrow().updatedAt()).isEqualTo(BASE.plusSeconds(10));
    assertThat(store.findById(2)).contains(person(2, "bob"));

    assertThat(store.setAdmin(1, false, BASE.plusSeconds(20))).isTrue();
    assertThat(store.findById(1).orElseThrow().admin()).isFalse();
    assertThat(store.findById(1).orElseThrow().updatedAt()).isEqualTo(BASE.plusSeconds(20));
  }

  @Test
  void setAdminOfUnknownUserIsFalse() {
    store.insert(person(1, "alice"));

    assertThat(store.setAdmin(99, true, BASE.plusSeconds(1))).isFalse();
    assertThat(store.findById(1)).contains(person(1, "alice"));
  }

  // --- deactivate ---

  @Test
  void deactivateSucceedsOnceThenIsFalse() {
    store.insert(person(1, "alice"));
    store.insert(person(2, "bob"));
    Instant first = BASE.plusSeconds(100).plusMillis(250);

    assertThat(store.deactivate(1, first)).isTrue();
    User alice = store.findById(1).orElseThrow();
    assertThat(alice.deactivatedAt()).contains(first);
    assertThat(alice.active()).isFalse();

    assertThat(store.deactivate(1, BASE.plusSeconds(200))).isFalse();
    assertThat(store.findById(1).orElseThrow().deactivatedAt()).contains(first);

    assertThat(store.findById(2)).contains(person(2, "bob"));
  }

  @Test
  void deactivateOfUnknownUserIsFalse() {
    store.insert(person(1, "alice"));

    assertThat(store.deactivate(99, BASE.plusSeconds(1))).isFalse();
    assertThat(store.findById(1)).contains(person(1, "alice"));
  }

  // --- listBots ---

  @Test
  void listBotsReturnsOnlyThatOwnersActiveBotsOldestFirst() {
    store.insert(person(1, "alice"));
    store.insert(person(2, "bob"));
    // Inserted out of order so that insertion order differs from age/id order.
    User newest = bot(30, "alice-bot-3", Optional.of(1L), BASE.plusSeconds(30));
    User oldest = bot(10, "alice-bot-1", Optional.of(1L), BASE.plusSeconds(10));
    User retired = bot(20, "alice-bot-2", Optional.of(1L), BASE.plusSeconds(20));
    User bobs = bot(15, "bob-bot", Optional.of(2L), BASE.plusSeconds(15));
    store.insert(newest);
    store.insert(oldest);
    store.insert(retired);
    store.insert(bobs);
    assertThat(store.deactivate(20, BASE.plusSeconds(40))).isTrue();

    assertThat(store.listBots(1)).containsExactly(oldest, newest);
    assertThat(store.listBots(2)).containsExactly(bobs);
  }

  @Test
  void listBotsOfAPersonWithoutBotsIsEmpty() {
    store.insert(person(1, "alice"));
    store.insert(person(2, "bob"));
    store.insert(bot(3, "alice-bot", Optional.of(1L), BASE));

    assertThat(store.listBots(2)).isEmpty();
    assertThat(store.listBots(99)).isEmpty();
  }

  // --- concurrency (each method is atomic) ---

  @Test
  void concurrentFirstRegistrationsMakeExactlyOneAdmin() {
    List<Concurrently.Outcome<User>> outcomes =
        Concurrently.race(4, i -> () -> store.insertFirstPersonAsAdmin(person(i + 1, "user" + i)));

    assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded);
    assertThat(outcomes).filteredOn(o -> o.value().admin()).hasSize(1);
    long storedAdmins = outcomes.stream().map(o -> store.findById(o.value().id()).orElseThrow()).filter(User::admin).count();
    assertThat(storedAdmins).isEqualTo(1);
  }

  @Test
  void concurrentInsertsOfOneUsernameInDifferentCasesLetExactlyOneWin() {
    String[] spellings = {"carol", "Carol", "CAROL", "cArOl"};

    List<Concurrently.Outcome<Long>> outcomes = Concurrently.race(4, i -> () -> {
      store.insert(person(i + 1, spellings[i]));
      return i + 1L;
    });

    assertThat(outcomes).filteredOn(Concurrently.Outcome::succeeded).hasSize(1);
    assertThat(outcomes).filteredOn(o -> !o.succeeded())
        .allSatisfy(o -> assertThat(o.failure()).isInstanceOf(DuplicateKeyException.class));
    long winner = outcomes.stream().filter(Concurrently.Outcome::succeeded).findFirst().orElseThrow().value();
    assertThat(store.findByUsername("carol").map(User::id)).contains(winner);
  }
}
