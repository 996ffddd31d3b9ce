package io.ultrachat.chat.message;

import io.ultrachat.auth.api.UserDirectory;
import io.ultrachat.chat.conversation.ConversationStore;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds mentions in a message body: {@code @username} (3 to 32 characters, case-insensitive,
 * resolved through the {@link UserDirectory}), and {@code @channel} or {@code @here}, which both
 * mention everyone in the conversation. Only members of the conversation are kept; unknown
 * names and non-members are ignored. At most {@value #MAX} distinct users are kept, and at most
 * {@value #LOOKUPS_MAX} distinct names are looked up per body.
 */
public final class MentionParser {
  public static final int MAX = 50;
  static final int LOOKUPS_MAX = 100;
  // Not preceded by a name character, so e-mail addresses do not mention anyone.
  private static final Pattern MENTION = Pattern.compile("(?<![A-Za-z0-9._@-])@([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)");

  private final UserDirectory users;
  private final ConversationStore conversations;

  public MentionParser(UserDirectory users, ConversationStore conversations) {
    this.users = users;
    this.conversations = conversations;
  }

  public Mentions parse(long conversationId, String body) {
    if (body.indexOf('@') < 0) {
      return Mentions.NONE; // most messages: skip the scan, whose look-behind runs at every position
    }
    Set<String> names = new LinkedHashSet<>();
    boolean channel = false;
    Matcher m = MENTION.matcher(body);
    while (m.find()) {
      String name = m.group(1).toLowerCase(Locale.ROOT);
      if (name.equals("channel") || name.equals("here")) {
        channel = true;
      } else if (name.length() >= 3 && name.length() <= 32 && names.size() < LOOKUPS_MAX) {
        names.add(name);
      }
    }
    Set<Long> ids = new TreeSet<>();
    for (String name : names) {
      if (ids.size() >= MAX) {
        break;
      }
      users.findByUsername(name)
          .filter(u -> conversations.member(conversationId, u.id()).isPresent())
          .ifPresent(u -> ids.add(u.id()));
    }
    return Mentions.of(ids, channel);
  }
}
