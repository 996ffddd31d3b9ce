package io.ultrachat.chat.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.ultrachat.chat.StoreContract;
import io.ultrachat.chat.conversation.Conversation;
import io.ultrachat.chat.conversation.Conversation.Kind;
import io.ultrachat.chat.conversation.JdbcConversationStore;
import io.ultrachat.chat.message.JdbcMessageStore;
import io.ultrachat.chat.message.MessagePartitions;
import io.ultrachat.chat.message.MessageStore;
import io.ultrachat.chat.message.MessageStore.NewMessage;
import io.ultrachat.chat.workspace.JdbcWorkspaceStore;
import io.ultrachat.chat.workspace.Workspace;
import io.ultrachat.testkit.MutableClock;
import io.ultrachat.testkit.store.StoreFixture.Backend;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@link SearchStore} contract: what matches, in which order, and how pages continue; subclasses name the backend. */
public abstract class SearchStoreContract extends StoreContract {
  static final long ALICE = 1;
  static final long BOB = 2;
  static final long WORKSPACE = 100;
  static final long GENERAL = 10;
  static final long RANDOM = 11;

  protected MessageStore messages;
  protected SearchStore store;
  private long nextId = 1000;

  protected SearchStoreContract(Backend backend) {
    super(backend);
  }

  @BeforeEach
  void createStores() {
    new JdbcWorkspaceStore(db()).create(new Workspace(WORKSPACE, "acme", ALICE, BASE));
    JdbcConversationStore conversations = new JdbcConversationStore(db());
    conversations.create(new Conversation(GENERAL, WORKSPACE, Kind.PUBLIC, "general", "", ALICE, BASE, Optional.empty(), 0));
    conversations.create(new Conversation(RANDOM, WORKSPACE, Kind.PUBLIC, "random", "", ALICE, BASE, Optional.empty(), 0));
    messages = new JdbcMessageStore(db(), new MessagePartitions(db(), new MutableClock(BASE), 3));
    store = SearchStore.on(db());
  }

  /** Appends a message; ids and times grow with every call, so later messages are newer. */
  protected long send(long conversationId, long userId, String body) {
    long id = nextId++;
    messages.append(new NewMessage(id, conversationId, userId, Optional.empty(), body, BASE.plusSeconds(id)));
    return id;
  }

  protected static SearchStore.Query query(String q, List<Long> in) {
    return new SearchStore.Query(SearchTerms.parse(q), in, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), 50);
  }

  protected List<Long> find(String q) {
    return ids(store.search(query(q, List.of(GENERAL, RANDOM))));
  }

  private static List<Long> ids(List<SearchStore.Hit> hits) {
    return hits.stream().map(SearchStore.Hit::messageId).toList();
  }

  @Test
  void findsMessagesWithEveryWordIgnoringCase() {
    long deploy = send(GENERAL, ALICE, "Deploy the API to staging");
    long other = send(GENERAL, ALICE, "deploy the frontend");

    assertThat(find("deploy api")).containsExactly(deploy);
    assertThat(find("DEPLOY")).containsExactlyInAnyOrder(deploy, other);
    assertThat(find("staging Api")).containsExactly(deploy);
    assertThat(find("deploy backend")).isEmpty();
  }

  @Test
  void theLastWordAlsoMatchesAsAPrefixFromTwoCharacters() {
    long m = send(GENERAL, ALICE, "the deployment of the api");

    assertThat(find("deplo")).containsExactly(m);
    assertThat(find("api deplo")).containsExactly(m);
    assertThat(find("deplo api")).as("only the last word is a prefix").isEmpty();
    assertThat(find("d")).as("one letter is a whole word only").isEmpty();
  }

  @Test
  void punctuationSeparatesWordsInMessagesAndQueries() {
    long mail = send(GENERAL, ALICE, "write to bob@example.com, see https://ultrachat.io/docs/api.html");
    long code = send(GENERAL, ALICE, "set max_pool-size to 10 in v1.2.3 (not 1.3)");

    assertThat(find("example")).containsExactly(mail);
    assertThat(find("bob@example.com")).containsExactly(mail);
    assertThat(find("ultrachat docs")).containsExactly(mail);
    assertThat(find("pool")).containsExactly(code);
    assertThat(find("max_pool-size")).containsExactly(code);
    assertThat(find("v1.2.3")).containsExactly(code);
  }

  @Test
  void lettersOfEveryScriptAreWords() {
    long m = send(GENERAL, ALICE, "Ça va? L'ÉCOLE ouvre à 8h. 日本語 テスト Привет мир");

    assertThat(find("ça")).containsExactly(m);
    assertThat(find("école")).containsExactly(m);
    assertThat(find("日本語")).containsExactly(m);
    assertThat(find("привет МИР")).containsExactly(m);
    assertThat(find("ecole")).as("accents are kept on both backends").isEmpty();
  }

  @Test
  void queryPunctuationAndOperatorWordsAreNeverSyntax() {
    long m = send(GENERAL, ALICE, "and or not near column body");
    List<String> hostile = List.of("AND(", "NEAR(", "near(and, or)", "\"and", "and\"", "and*", "*and", "-and", "and OR",
        "body:and", "^and", "'and'", "and\\", "and) OR (or", "{body}: and", "and + or", "NOT", "and & | ! or", "and:*",
        "and <-> or", "%and%", "and;--", "NEAR(and or)");
    for (String q : hostile) {
      assertThatCode(() -> store.search(query(q, List.of(GENERAL)))).as(q).doesNotThrowAnyException();
      assertThat(ids(store.search(query(q, List.of(GENERAL))))).as(q).containsExactly(m);
    }
  }

  @Test
  void closerMatchesComeFirstThenNewest() {
    long phrase = send(GENERAL, ALICE, "the release note is out");
    long words = send(GENERAL, ALICE, "note: release moved to friday");
    long prefix = send(GENERAL, ALICE, "release notebook found");
    long newerPhrase = send(RANDOM, ALICE, "Release Note, again");
    long newerWords = send(GENERAL, ALICE, "a note about the release");

    List<SearchStore.Hit> hits = store.search(query("release note", List.of(GENERAL, RANDOM)));

    assertThat(ids(hits)).containsExactly(newerPhrase, phrase, newerWords, words, prefix);
    assertThat(hits).extracting(SearchStore.Hit::rank).containsExactly(SearchStore.RANK_PHRASE, SearchStore.RANK_PHRASE,
        SearchStore.RANK_WORDS, SearchStore.RANK_WORDS, SearchStore.RANK_PREFIX);
    assertThat(hits.getFirst().conversationId()).isEqualTo(RANDOM);
  }

  @Test
  void editedMessagesMatchTheirNewTextOnlyAndDeletedOnesNothing() {
    long edited = send(GENERAL, ALICE, "the old wording");
    long deleted = send(GENERAL, ALICE, "wording to forget");

    messages.edit(GENERAL, edited, "the new phrasing", BASE.plusSeconds(5000));
    messages.delete(GENERAL, deleted, BASE.plusSeconds(5001));

    assertThat(find("old")).isEmpty();
    assertThat(find("wording")).isEmpty();
    assertThat(find("forget")).isEmpty();
    assertThat(find("phrasing")).containsExactly(edited);
  }

  @Test
  void onlyTheNamedConversationsAreSearched() {
    long inGeneral = send(GENERAL, ALICE, "budget review");
    long inRandom = send(RANDOM, ALICE, "budget lunch");

    assertThat(ids(store.search(query("budget", List.of(GENERAL))))).containsExactly(inGeneral);
    assertThat(ids(store.search(query("budget", List.of(RANDOM))))).containsExactly(inRandom);
    assertThat(store.search(query("budget", List.of()))).isEmpty();
    assertThat(store.search(query("budget", List.of(999L)))).isEmpty();
  }

  @Test
  void authorAndTimeFiltersNarrowTheHits() {
    long first = send(GENERAL, ALICE, "standup notes");
    long second = send(GENERAL, BOB, "standup notes");
    long third = send(GENERAL, ALICE, "standup notes");
    SearchTerms terms = SearchTerms.parse("standup");
    Instant secondAt = BASE.plusSeconds(second);

    List<SearchStore.Hit> byAlice = store.search(new SearchStore.Query(terms, List.of(GENERAL), Optional.of(ALICE),
        Optional.empty(), Optional.empty(), Optional.empty(), 50));
    List<SearchStore.Hit> fromSecond = store.search(new SearchStore.Query(terms, List.of(GENERAL), Optional.empty(),
        Optional.of(secondAt), Optional.empty(), Optional.empty(), 50));
    List<SearchStore.Hit> beforeSecond = store.search(new SearchStore.Query(terms, List.of(GENERAL), Optional.empty(),
        Optional.empty(), Optional.of(secondAt), Optional.empty(), 50));
    List<SearchStore.Hit> justSecond = store.search(new SearchStore.Query(terms, List.of(GENERAL), Optional.empty(),
        Optional.of(secondAt), Optional.of(secondAt.plusMillis(1)), Optional.empty(), 50));

    assertThat(ids(byAlice)).containsExactly(third, first);
    assertThat(ids(fromSecond)).as("from is inclusive").containsExactly(third, second);
    assertThat(ids(beforeSecond)).as("to is exclusive").containsExactly(first);
    assertThat(ids(justSecond)).containsExactly(second);
  }

  @Test
  void pagesContinueAfterAPositionWithoutSkippingOrRepeating() {
    List<Long> expected = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      expected.add(send(GENERAL, ALICE, "incident report " + i));
      expected.add(send(RANDOM, BOB, "incident " + i + " report"));
      send(GENERAL, ALICE, "unrelated " + i);
    }
    List<Long> all = find("incident report");
    assertThat(all).containsExactlyInAnyOrderElementsOf(expected);

    List<Long> paged = new ArrayList<>();
    Optional<SearchStore.Position> after = Optional.empty();
    for (int page = 0; page < 10; page++) {
      List<SearchStore.Hit> hits = store.search(new SearchStore.Query(SearchTerms.parse("incident report"),
          List.of(GENERAL, RANDOM), Optional.empty(), Optional.empty(), Optional.empty(), after, 3));
      hits.forEach(h -> paged.add(h.messageId()));
      if (page == 0) {
        // A message that arrives between pages is newer than every hit so far: it does not shift the rest.
        send(GENERAL, ALICE, "incident report late");
      }
      if (hits.size() < 3) {
        break;
      }
      after = Optional.of(hits.getLast().position());
    }

    assertThat(paged).containsExactlyElementsOf(all);
  }

  @Test
  void repliesAreFoundLikeAnyMessage() {
    long root = send(GENERAL, ALICE, "who owns the pager");
    long reply = nextId++;
    messages.append(new NewMessage(reply, GENERAL, BOB, Optional.empty(), "the pager is mine this week", BASE.plusSeconds(reply),
        io.ultrachat.chat.message.Mentions.NONE, Optional.of(root)));

    assertThat(find("pager")).containsExactly(reply, root);
  }

  @Test
  void aPageHoldsAtMostTheLimitNewestFirst() {
    List<Long> sent = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      sent.add(send(i % 2 == 0 ? GENERAL : RANDOM, ALICE, "status update number " + i));
    }

    List<SearchStore.Hit> hits = store.search(new SearchStore.Query(SearchTerms.parse("status update"), List.of(GENERAL, RANDOM),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 20));

    assertThat(ids(hits)).containsExactlyElementsOf(sent.reversed().subList(0, 20));
  }
}
