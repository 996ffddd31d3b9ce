package io.ultrachat.auth.account;

import io.ultrachat.auth.api.UserDirectory;
import io.ultrachat.auth.api.UserSummary;
import io.ultrachat.auth.password.PasswordHasher;
import io.ultrachat.kernel.error.Conflict;
import io.ultrachat.kernel.error.Forbidden;
import io.ultrachat.kernel.error.InvalidInput;
import io.ultrachat.kernel.error.NotFound;
import io.ultrachat.kernel.id.IdGenerator;
import io.ultrachat.kernel.time.Clocks;
import io.ultrachat.kernel.validation.Input;
import io.ultrachat.store.jdbc.DuplicateKeyException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** Accounts of people: registration, profile, password, admin role. Also the {@link UserDirectory}. */
public final class AccountService implements UserDirectory {
  public static final int DISPLAY_NAME_MAX = 64;
  public static final int PASSWORD_MAX = 256;

  private final UserStore users;
  private final PasswordHasher hasher;
  private final IdGenerator ids;
  private final Clock clock;
  private final int passwordMinLength;
  private final boolean firstUserAdmin;

  public AccountService(UserStore users, PasswordHasher hasher, IdGenerator ids, Clock clock, int passwordMinLength,
      boolean firstUserAdmin) {
    this.users = users;
    this.hasher = hasher;
    this.ids = ids;
    this.clock = clock;
    this.passwordMinLength = passwordMinLength;
    this.firstUserAdmin = firstUserAdmin;
  }

  /**
   * Creates a person's account.
   *
   * @param admin whether to grant the admin role (the first person gets it anyway when so configured)
   * @throws InvalidInput naming the offending field
   * @throws Conflict {@code username-taken}
   */
  public User createPerson(String username, String password, Optional<String> displayName, boolean admin) {
    Usernames.validate("username", username);
    checkPassword("password", password, username);
    String display = displayName.isPresent() ? Input.label("displayName", displayName.get(), DISPLAY_NAME_MAX) : username;
    if (users.findByUsername(username).isPresent()) {
      throw usernameTaken(username);
    }
    Instant now = Clocks.nowMillis(clock);
    User user = new User(ids.next(), username, display, User.Kind.PERSON, admin, Optional.empty(),
        Optional.of(hasher.hash(password)), now, now, Optional.empty());
    try {
      return firstUserAdmin ? users.insertFirstPersonAsAdmin(user) : insert(user);
    } catch (DuplicateKeyException e) {
      throw usernameTaken(username);
    }
  }

  private User insert(User user) {
    users.insert(user);
    return user;
  }

  static Conflict usernameTaken(String username) {
    return new Conflict("username-taken", "the username '" + username + "' is taken");
  }

  public void checkPassword(String field, String password, String username) {
    Input.required(field, password, passwordMinLength, PASSWORD_MAX);
    if (password.isBlank()) {
      throw InvalidInput.field(field, "must not be blank");
    }
    if (password.equalsIgnoreCase(username)) {
      throw InvalidInput.field(field, "must not be the username");
    }
  }

  public User require(long userId) {
    return users.findById(userId).filter(User::active).orElseThrow(() -> new NotFound("user-not-found", "user not found"));
  }

  public User updateDisplayName(long userId, String displayName) {
    String display = Input.label("displayName", displayName, DISPLAY_NAME_MAX);
    require(userId);
    users.updateDisplayName(userId, display, Clocks.nowMillis(clock));
    return require(userId);
  }

  /**
   * Replaces a person's password after checking the current one.
   *
   * @throws Forbidden {@code wrong-password} if {@code currentPassword} does not match
   */
  public void changePassword(long userId, String currentPassword, String newPassword) {
    User user = require(userId);
    Input.required("currentPassword", currentPassword, 1, PASSWORD_MAX);
    checkPassword("newPassword", newPassword, user.username());
    if (user.passwordHash().isEmpty() || !hasher.verify(currentPassword, user.passwordHash().get())) {
      throw new Forbidden("wrong-password", "the current password is not correct");
    }
    users.updatePasswordHash(userId, hasher.hash(newPassword), Clocks.nowMillis(clock));
  }

  /** Sets a new password without the old one: for operators at the command line. */
  public void resetPassword(long userId, String newPassword) {
    User user = require(userId);
    checkPassword("password", newPassword, user.username());
    users.updatePasswordHash(userId, hasher.hash(newPassword), Clocks.nowMillis(clock));
  }

  public User setAdmin(long userId, boolean admin) {
    User user = require(userId);
    if (user.isBot() && admin) {
      throw InvalidInput.field("admin", "bots cannot be admins");
    }
    users.setAdmin(userId, admin, Clocks.nowMillis(clock));
    return require(userId);
  }

  public User requireByUsername(String username) {
    return users.findByUsername(username).filter(User::active)
        .orElseThrow(() -> new NotFound("user-not-found", "no user named '" + username + "'"));
  }

  @Override
  public Optional<UserSummary> findById(long userId) {
    return users.findById(userId).filter(User::active).map(User::summary);
  }

  @Override
  public Optional<UserSummary> findByUsername(String username) {
    return users.findByUsername(username).filter(User::active).map(User::summary);
  }
}
