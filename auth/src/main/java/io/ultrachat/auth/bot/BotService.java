package io.ultrachat.auth.bot;

import io.ultrachat.auth.account.User;
import io.ultrachat.auth.account.UserStore;
import io.ultrachat.auth.account.Usernames;
import io.ultrachat.auth.apitoken.ApiTokenService;
import io.ultrachat.kernel.error.Conflict;
import io.ultrachat.kernel.error.NotFound;
import io.ultrachat.kernel.id.IdGenerator;
import io.ultrachat.kernel.time.Clocks;
import io.ultrachat.kernel.validation.Input;
import io.ultrachat.store.jdbc.DuplicateKeyException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Bot users: accounts without a password, owned by a person, acting through API tokens. */
public final class BotService {
  private final UserStore users;
  private final ApiTokenService tokens;
  private final IdGenerator ids;
  private final Clock clock;
  private final int maxBotsPerOwner;

  public BotService(UserStore users, ApiTokenService tokens, IdGenerator ids, Clock clock, int maxBotsPerOwner) {
    this.users = users;
    this.tokens = tokens;
    this.ids = ids;
    this.clock = clock;
    this.maxBotsPerOwner = maxBotsPerOwner;
  }

  public User create(long ownerId, String username, Optional<String> displayName) {
    Usernames.validate("username", username);
    String display = displayName.isPresent() ? Input.label("displayName", displayName.get(), 64) : username;
    if (users.listBots(ownerId).size() >= maxBotsPerOwner) {
      throw new Conflict("bot-limit-reached", "at most " + maxBotsPerOwner + " bots per owner are allowed");
    }
    Instant now = Clocks.nowMillis(clock);
    User bot = new User(ids.next(), username, display, User.Kind.BOT, false, Optional.of(ownerId), Optional.empty(), now, now,
        Optional.empty());
    try {
      users.insert(bot);
    } catch (DuplicateKeyException e) {
      throw new Conflict("username-taken", "the username '" + username + "' is taken");
    }
    return bot;
  }

  public List<User> list(long ownerId) {
    return users.listBots(ownerId);
  }

  /** A live bot the caller owns. @throws NotFound for anything else */
  public User requireOwned(long ownerId, long botId) {
    return users.findById(botId)
        .filter(u -> u.isBot() && u.active() && u.ownerId().map(o -> o == ownerId).orElse(false))
        .orElseThrow(() -> new NotFound("bot-not-found", "bot not found"));
  }

  public void delete(long ownerId, long botId) {
    User bot = requireOwned(ownerId, botId);
    users.deactivate(bot.id(), Clocks.nowMillis(clock));
    tokens.revokeAll(bot.id());
  }
}
