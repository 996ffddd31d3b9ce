package io.ultrachat.chat.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ultrachat.chat.MapCache;
import io.ultrachat.chat.StoreContract;
import io.ultrachat.testkit.store.StoreFixture.Backend;
import io.ultrachat.chat.conversation.Conversation.Kind;
import io.ultrachat.chat.workspace.JdbcWorkspaceStore;
import io.ultrachat.chat.workspace.Workspace;
import io.ultrachat.chat.workspace.WorkspaceStore;
import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.DuplicateKeyException;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@link ConversationStore} contract; subclasses name the backend. */
public abstract class ConversationStoreContract extends StoreContract {
  private static final long ALICE = 1;
  private static final long BOB = 2;
  private static final long CAROL = 3;
  private static final long ACME = 100;
  private static final long GLOBEX = 101;

  private final boolean cached;
  private ConversationStore store;

  protected ConversationStoreContract(Backend backend) {
    this(backend, false);
  }

  /** @param cached run the contract on {@link CachedConversationStore} over the JDBC store */
  protected ConversationStoreContract(Backend backend, boolean cached) {
    super(backend);
    this.cached = cached;
  }

  /** The implementation under test. */
  protected ConversationStore newStore(Database db) {
    ConversationStore jdbc = new JdbcConversationStore(db);
    return cached ? new CachedConversationStore(jdbc, new MapCache<>("conversation-memberships"), new MapCache<>("conversations")) : jdbc;
  }

  @BeforeEach
  void createStoreAndWorkspaces() {
    WorkspaceStore workspaces = new JdbcWorkspaceStore(db());
    workspaces.create(new Workspace(ACME, "acme", ALICE, BASE));
    workspaces.create(new Workspace(GLOBEX, "globex", BOB, BASE));
    store = newStore(db());
  }

  /** A public, unarchived conversation without messages, created by Alice. */
  private static Conversation conversation(long id, long workspaceId, String name) {
    return new Conversation(id, workspaceId, Kind.PUBLIC, name, "", ALICE, BASE.plusSeconds(id), Optional.empty(), 0);
  }

  /** Sets a conversation's last sequence as appends would, without needing the message store. */
  private void setLastSeq(long conversationId, long lastSeq) {
    db().write(sql -> sql.update("UPDATE chat_conversations SET last_seq = ? WHERE id = ?", lastSeq, conversationId));
  }

  private static final Optional<String> KEEP = Optional.empty();
  private static final Optional<Optional<Instant>> KEEP_ARCHIVED = Optional.empty();

  // --- create / find ---

  @Test
  void createdConversationRoundTripsEveryFieldAtMillisecondPrecision() {
    Conversation c = new Conversation(10, ACME, Kind.PRIVATE, "Secret-Plans_2026", "world domination ✓", BOB,
        BASE.plusMillis(321), Optional.of(BASE.plusSeconds(5).plusMillis(9)), 0);
    store.create(c);

    assertThat(store.find(10)).contains(c);
  }

  @Test
  void createMakesTheCreatorAMemberWhoHasReadEverything() {
    Conversation c = conversation(10, ACME, "general");
    store.create(c);

    assertThat(store.member(10, ALICE)).contains(new ConversationMember(10, ALICE, c.createdAt(), 0));
    assertThat(store.member(10, BOB)).isEmpty();
  }

  @Test
  void createWithExistingLastSeqMakesTheCreatorReadUpToIt() {
    Conversation c = new Conversation(10, ACME, Kind.PUBLIC, "imported", "", BOB, BASE, Optional.empty(), 42);
    store.create(c);

    assertThat(store.find(10).orElseThrow().lastSeq()).isEqualTo(42);
    assertThat(store.member(10, BOB)).contains(new ConversationMember(10, BOB, BASE, 42));
  }

  @Test
  void findOfUnknownConversationIsEmpty() {
    store.create(conversation(10, ACME, "general"));

    assertThat(store.find(11)).isEmpty();
  }

  @Test
  void nameTakenInTheSameWorkspaceIgnoringCaseIsADuplicate() {
    store.create(conversation(10, ACME, "General"));

    assertThatThrownBy(() -> store.create(conversation(11, ACME, "general"))).isInstanceOf(DuplicateKeyException.class);
    assertThatThrownBy(() -> store.create(conversation(12, ACME, "GENERAL"))).isInstanceOf(DuplicateKeyException.class);

    assertThat(store.find(11)).isEmpty();
    assertThat(store.find(12)).isEmpty();
    assertThat(store.listInWorkspace(ACME)).extracting(Conversation::id).containsExactly(10L);
    assertThat(scalar("SELECT COUNT(*) FROM chat_conversation_members WHERE conversation_id IN (11, 12)")).isZero();
  }

  @Test
  void sameNameInAnotherWorkspaceIsFine() {
    store.create(conversation(10, ACME, "general"));
    Conversation other = conversation(11, GLOBEX, "General");

    store.create(other);

    assertThat(store.find(11)).contains(other);
  }

  // --- listInWorkspace ---

  @Test
  void listInWorkspaceGivesThatWorkspacesConversationsByNameIgnoringCase() {
    Conversation beta = conversation(10, ACME, "beta");
    Conversation alpha = conversation(11, ACME, "Alpha");
    Conversation gamma = conversation(12, ACME, "gamma");
    Conversation bravo = conversation(13, ACME, "Bravo");
    store.create(beta);
    store.create(alpha);
    store.create(gamma);
    store.create(bravo);
    store.create(conversation(14, GLOBEX, "aardvark"));

    assertThat(store.listInWorkspace(ACME)).containsExactly(alpha, beta, bravo, gamma);
    assertThat(store.listInWorkspace(GLOBEX)).extracting(Conversation::name).containsExactly("aardvark");
    assertThat(store.listInWorkspace(999)).isEmpty();
  }

  // --- update ---

  @Test
  void updateChangesOnlyWhatIsGiven() {
    Conversation c = conversation(10, ACME, "general");
    store.create(c);
    setLastSeq(10, 7);

    Conversation renamed = store.update(10, Optional.of("lobby"), KEEP, KEEP_ARCHIVED).orElseThrow();
    assertThat(renamed).isEqualTo(new Conversation(10, ACME, Kind.PUBLIC, "lobby", "", ALICE, c.createdAt(), Optional.empty(), 7));

    Conversation retopiced = store.update(10, KEEP, Optional.of("say hi"), KEEP_ARCHIVED).orElseThrow();
    assertThat(retopiced).isEqualTo(new Conversation(10, ACME, Kind.PUBLIC, "lobby", "say hi", ALICE, c.createdAt(),
        Optional.empty(), 7));

    assertThat(store.update(10, KEEP, KEEP, KEEP_ARCHIVED)).contains(retopiced);
    assertThat(store.find(10)).contains(retopiced);
  }

  @Test
  void findForAccessFollowsUpdatesAndIsCurrentButForTheLastSequence() {
    assertThat(store.findForAccess(10)).isEmpty();
    Conversation c = conversation(10, ACME, "general");
    store.create(c);
    assertThat(store.findForAccess(10)).contains(c);
    Instant at = BASE.plusSeconds(60);
    store.update(10, Optional.of("lobby"), KEEP, Optional.of(Optional.of(at)));
    Conversation archived = store.findForAccess(10).orElseThrow();
    assertThat(archived.archivedAt()).contains(at);
    assertThat(archived.name()).isEqualTo("lobby");
    store.update(10, KEEP, KEEP, Optional.of(Optional.empty()));
    assertThat(store.findForAccess(10).orElseThrow().archived()).isFalse();
    setLastSeq(10, 3);
    assertThat(store.find(10).orElseThrow().lastSeq()).as("find is always current").isEqualTo(3);
    assertThat(store.findForAccess(10).orElseThrow().lastSeq()).isBetween(0L, 3L);
  }

  @Test
  void updateCanChangeEverythingAtOnce() {
    store.create(conversation(10, ACME, "general"));
    Instant at = BASE.plusSeconds(3600).plusMillis(5);

    Conversation updated = store.update(10, Optional.of("old-general"), Optional.of("read only"),
        Optional.of(Optional.of(at))).orElseThrow();

    assertThat(updated.name()).isEqualTo("old-general");
    assertThat(updated.topic()).isEqualTo("read only");
    assertThat(updated.archivedAt()).contains(at);
    assertThat(store.find(10)).contains(updated);
  }

  @Test
  void topicCanBeCleared() {
    store.create(conversation(10, ACME, "general"));
    store.update(10, KEEP, Optional.of("something"), KEEP_ARCHIVED);

    assertThat(store.update(10, KEEP, Optional.of(""), KEEP_ARCHIVED).orElseThrow().topic()).isEmpty();
  }

  @Test
  void archiveAndUnarchive() {
    store.create(conversation(10, ACME, "general"));
    Instant at = BASE.plusSeconds(60).plusMillis(1);

    Conversation archived = store.update(10, KEEP, KEEP, Optional.of(Optional.of(at))).orElseThrow();
    assertThat(archived.archivedAt()).contains(at);
    assertThat(archived.archived()).isTrue();

    // Keeping the archive state leaves it archived.
    assertThat(store.update(10, KEEP, Optional.of("t"), KEEP_ARCHIVED).orElseThrow().archivedAt()).contains(at);

    Conversation unarchived = store.update(10, KEEP, KEEP, Optional.of(Optional.empty())).orElseThrow();
    assertThat(unarchived.archivedAt()).isEmpty();
    assertThat(unarchived.archived()).isFalse();
    assertThat(store.find(10).orElseThrow().archivedAt()).isEmpty();
  }

  @Test
  void updateOfUnknownConversationIsEmpty() {
    store.create(conversation(10, ACME, "general"));

    assertThat(store.update(99, Optional.of("x"), Optional.of("y"), Optional.of(Optional.of(BASE)))).isEmpty();
    assertThat(store.find(99)).isEmpty();
    assertThat(store.find(10).orElseThrow().name()).isEqualTo("general");
  }

  @Test
  void renameToATakenNameIgnoringCaseIsADuplicateAndChangesNothing() {
    store.create(conversation(10, ACME, "general"));
    Conversation random = conversation(11, ACME, "random");
    store.create(random);

    assertThatThrownBy(() -> store.update(11, Optional.of("General"), Optional.of("new topic"), KEEP_ARCHIVED))
        .isInstanceOf(DuplicateKeyException.class);

    assertThat(store.find(11)).contains(random);
  }

  @Test
  void renameToOwnNameInAnotherCaseOrToANameTakenInAnotherWorkspaceIsFine() {
    store.create(conversation(10, ACME, "general"));
    store.create(conversation(11, GLOBEX, "random"));

    assertThat(store.update(10, Optional.of("General"), KEEP, KEEP_ARCHIVED).orElseThrow().name()).isEqualTo("General");
    assertThat(store.update(10, Optional.of("Random"), KEEP, KEEP_ARCHIVED).orElseThrow().name()).isEqualTo("Random");
  }

  @Test
  void aNameFreedByRenameCanBeTaken() {
    store.create(conversation(10, ACME, "general"));
    store.update(10, Optional.of("lobby"), KEEP, KEEP_ARCHIVED);

    store.create(conversation(11, ACME, "General"));

    assertThat(store.listInWorkspace(ACME)).extracting(Conversation::name).containsExactly("General", "lobby");
  }

  // --- members ---

  @Test
  void addMemberHasReadUpToTheCurrentLastMessage() {
    store.create(conversation(10, ACME, "general"));
    setLastSeq(10, 17);
    Instant at = BASE.plusSeconds(90).plusMillis(4);

    store.addMember(10, BOB, at);

    assertThat(store.member(10, BOB)).contains(new ConversationMember(10, BOB, at, 17));
  }

  @Test
  void addMemberTwiceIsANoOpThatKeepsTheFirstMembership() {
    store.create(conversation(10, ACME, "general"));
    setLastSeq(10, 3);
    store.addMember(10, BOB, BASE.plusSeconds(10));
    setLastSeq(10, 9);

    store.addMember(10, BOB, BASE.plusSeconds(20));

    assertThat(store.member(10, BOB)).contains(new ConversationMember(10, BOB, BASE.plusSeconds(10), 3));
    assertThat(scalar("SELECT COUNT(*) FROM chat_conversation_members WHERE conversation_id = ? AND user_id = ?", 10L, BOB))
        .isEqualTo(1);
  }

  @Test
  void addMemberOfTheCreatorKeepsTheirMembership() {
    Conversation c = conversation(10, ACME, "general");
    store.create(c);
    setLastSeq(10, 5);

    store.addMember(10, ALICE, BASE.plusSeconds(999));

    assertThat(store.member(10, ALICE)).contains(new ConversationMember(10, ALICE, c.createdAt(), 0));
  }

  @Test
  void addMemberToUnknownConversationAddsNothing() {
    store.addMember(99, BOB, BASE);

    assertThat(store.member(99, BOB)).isEmpty();
    assertThat(scalar("SELECT COUNT(*) FROM chat_conversation_members WHERE conversation_id = 99")).isZero();
  }

  @Test
  void membershipsInWorkspaceAreOnlyThatUsersInThatWorkspace() {
    store.create(conversation(10, ACME, "general"));
    store.create(conversation(11, ACME, "random"));
    store.create(conversation(12, ACME, "secret"));
    store.create(conversation(20, GLOBEX, "general"));
    setLastSeq(11, 4);
    store.addMember(10, BOB, BASE.plusSeconds(100));
    store.addMember(11, BOB, BASE.plusSeconds(200));
    store.addMember(20, BOB, BASE.plusSeconds(300));
    store.addMember(12, CAROL, BASE.plusSeconds(400));

    assertThat(store.membershipsInWorkspace(ACME, BOB)).containsExactlyInAnyOrder(
        new ConversationMember(10, BOB, BASE.plusSeconds(100), 0),
        new ConversationMember(11, BOB, BASE.plusSeconds(200), 4));
    assertThat(store.membershipsInWorkspace(GLOBEX, BOB)).containsExactly(new ConversationMember(20, BOB, BASE.plusSeconds(300), 0));
    assertThat(store.membershipsInWorkspace(ACME, ALICE)).extracting(ConversationMember::conversationId)
        .containsExactlyInAnyOrder(10L, 11L, 12L);
    assertThat(store.membershipsInWorkspace(GLOBEX, CAROL)).isEmpty();
  }

  @Test
  void removeMemberIsTrueOnceThenFalse() {
    store.create(conversation(10, ACME, "general"));
    store.create(conversation(11, ACME, "random"));
    store.addMember(10, BOB, BASE);
    store.addMember(11, BOB, BASE);

    assertThat(store.removeMember(10, BOB)).isTrue();
    assertThat(store.member(10, BOB)).isEmpty();
    assertThat(store.removeMember(10, BOB)).isFalse();
    assertThat(store.removeMember(10, CAROL)).isFalse();
    assertThat(store.removeMember(99, BOB)).isFalse();

    assertThat(store.member(11, BOB)).isPresent();
    assertThat(store.member(10, ALICE)).isPresent();
  }

  @Test
  void removeFromWorkspaceLeavesEveryConversationOfThatWorkspaceOnly() {
    store.create(conversation(10, ACME, "general"));
    store.create(conversation(11, ACME, "random"));
    store.create(conversation(20, GLOBEX, "general"));
    for (long c : new long[] {10, 11, 20}) {
      store.addMember(c, BOB, BASE);
      store.addMember(c, CAROL, BASE);
    }

    store.removeFromWorkspace(ACME, BOB);

    assertThat(store.membershipsInWorkspace(ACME, BOB)).isEmpty();
    assertThat(store.membershipsInWorkspace(GLOBEX, BOB)).extracting(ConversationMember::conversationId).containsExactly(20L);
    assertThat(store.membershipsInWorkspace(ACME, CAROL)).hasSize(2);
    assertThat(store.membershipsInWorkspace(ACME, ALICE)).hasSize(2);

    store.removeFromWorkspace(ACME, BOB); // nothing left to remove: harmless
    assertThat(store.membershipsInWorkspace(GLOBEX, BOB)).hasSize(1);
  }

  // --- markRead ---

  @Test
  void markReadMovesTheMarkForwardOnly() {
    store.create(conversation(10, ACME, "general"));
    setLastSeq(10, 10);
    store.addMember(10, BOB, BASE);
    db().write(sql -> sql.update("UPDATE chat_conversation_members SET last_read_seq = 2 WHERE conversation_id = 10 AND user_id = ?", BOB));

    assertThat(store.markRead(10, BOB, 5)).contains(5L);
    assertThat(store.markRead(10, BOB, 3)).contains(5L);
    assertThat(store.markRead(10, BOB, 5)).contains(5L);
    assertThat(store.markRead(10, BOB, 0)).contains(5L);
    assertThat(store.markRead(10, BOB, 8)).contains(8L);
    assertThat(store.member(10, BOB).orElseThrow().lastReadSeq()).isEqualTo(8);
  }

  @Test
  void markReadIsClampedToTheLastSequence() {
    store.create(conversation(10, ACME, "general"));
    setLastSeq(10, 6);

    assertThat(store.markRead(10, ALICE, 1_000)).contains(6L);
    assertThat(store.markRead(10, ALICE, Long.MAX_VALUE)).contains(6L);
    assertThat(store.member(10, ALICE).orElseThrow().lastReadSeq()).isEqualTo(6);

    setLastSeq(10, 9);
    assertThat(store.markRead(10, ALICE, 100)).contains(9L);
  }

  @Test
  void markReadOnlyMovesThatMembersMark() {
    store.create(conversation(10, ACME, "general"));
    store.create(conversation(11, ACME, "random"));
    setLastSeq(10, 10);
    setLastSeq(11, 10);
    store.addMember(10, BOB, BASE);
    store.addMember(11, BOB, BASE);
    db().write(sql -> sql.update("UPDATE chat_conversation_members SET last_read_seq = 1"));

    assertThat(store.markRead(10, BOB, 7)).contains(7L);

    assertThat(store.member(10, ALICE).orElseThrow().lastReadSeq()).isEqualTo(1);
    assertThat(store.member(11, BOB).orElseThrow().lastReadSeq()).isEqualTo(1);
  }

  @Test
  void markReadOfNonMemberIsEmptyAndAddsNoMembership() {
    store.create(conversation(10, ACME, "general"));
    setLastSeq(10, 4);

    assertThat(store.markRead(10, BOB, 2)).isEmpty();
    assertThat(store.markRead(99, ALICE, 2)).isEmpty();
    assertThat(store.member(10, BOB)).isEmpty();
  }

  // --- direct conversations (dm, group_dm) ---

  private static final long DAVE = 4;

  /** A direct conversation among these people, created by the first of them. */
  private static Conversation direct(long id, long workspaceId, long... participants) {
    java.util.List<Long> people = java.util.Arrays.stream(participants).boxed().toList();
    return new Conversation(id, workspaceId, people.size() == 2 ? Kind.DM : Kind.GROUP_DM, "", "", participants[0],
        BASE.plusSeconds(id), Optional.empty(), 0, people);
  }

  @Test
  void findOrCreateDirectCreatesOnceWithEveryParticipantAsAMember() {
    Conversation dm = direct(30, ACME, BOB, ALICE);

    ConversationStore.DirectConversation created = store.findOrCreateDirect(dm);

    assertThat(created.created()).isTrue();
    assertThat(created.conversation()).isEqualTo(dm);
    assertThat(created.conversation().participants()).as("kept sorted").containsExactly(ALICE, BOB);
    assertThat(created.conversation().dmKey()).contains(ALICE + "," + BOB);
    assertThat(created.joined()).containsExactlyInAnyOrder(ALICE, BOB);
    assertThat(store.find(30)).contains(dm);
    assertThat(store.member(30, ALICE)).contains(new ConversationMember(30, ALICE, dm.createdAt(), 0));
    assertThat(store.member(30, BOB)).contains(new ConversationMember(30, BOB, dm.createdAt(), 0));
    assertThat(store.member(30, CAROL)).isEmpty();
  }

  @Test
  void findOrCreateDirectWithTheSameParticipantsFindsTheFirstInAnyOrder() {
    Conversation first = direct(30, ACME, ALICE, BOB, CAROL);
    store.findOrCreateDirect(first);

    ConversationStore.DirectConversation again = store.findOrCreateDirect(direct(31, ACME, CAROL, BOB, ALICE));

    assertThat(again.created()).isFalse();
    assertThat(again.joined()).isEmpty();
    assertThat(again.conversation()).as("the stored conversation wins").isEqualTo(first);
    assertThat(store.find(31)).isEmpty();
    assertThat(scalar("SELECT COUNT(*) FROM chat_conversations WHERE workspace_id = ?", ACME)).isEqualTo(1);
  }

  @Test
  void directConversationsDifferByParticipantsAndWorkspace() {
    Conversation ab = direct(30, ACME, ALICE, BOB);
    Conversation abc = direct(31, ACME, ALICE, BOB, CAROL);
    Conversation bc = direct(32, ACME, BOB, CAROL);
    Conversation abElsewhere = direct(33, GLOBEX, ALICE, BOB);

    for (Conversation c : java.util.List.of(ab, abc, bc, abElsewhere)) {
      assertThat(store.findOrCreateDirect(c).created()).as("%s", c).isTrue();
      assertThat(store.find(c.id())).contains(c);
    }
    assertThat(abc.kind()).isEqualTo(Kind.GROUP_DM);
    assertThat(ab.kind()).isEqualTo(Kind.DM);
  }

  @Test
  void directConversationsAreNamelessWithoutCollidingWithEachOtherOrWithChannels() {
    store.create(conversation(10, ACME, "general"));
    store.findOrCreateDirect(direct(30, ACME, ALICE, BOB));
    store.findOrCreateDirect(direct(31, ACME, ALICE, CAROL));

    assertThat(store.find(30).orElseThrow().name()).isEmpty();
    assertThat(store.find(31).orElseThrow().name()).isEmpty();
    // Channel names stay unique among channels.
    assertThatThrownBy(() -> store.create(conversation(11, ACME, "General"))).isInstanceOf(DuplicateKeyException.class);
  }

  @Test
  void listInWorkspaceHasChannelsOnlyAndListDirectOfMemberHasThatMembersDirectConversations() {
    Conversation general = conversation(10, ACME, "general");
    store.create(general);
    Conversation ab = direct(30, ACME, ALICE, BOB);
    Conversation bc = direct(31, ACME, BOB, CAROL);
    Conversation abc = direct(32, ACME, ALICE, BOB, CAROL);
    Conversation elsewhere = direct(33, GLOBEX, ALICE, BOB);
    for (Conversation c : java.util.List.of(abc, bc, ab, elsewhere)) {
      store.findOrCreateDirect(c);
    }

    assertThat(store.listInWorkspace(ACME)).containsExactly(general);
    assertThat(store.listDirectOfMember(ACME, ALICE)).as("oldest first").containsExactly(ab, abc);
    assertThat(store.listDirectOfMember(ACME, BOB)).containsExactly(ab, bc, abc);
    assertThat(store.listDirectOfMember(ACME, CAROL)).containsExactly(bc, abc);
    assertThat(store.listDirectOfMember(ACME, DAVE)).isEmpty();
    assertThat(store.listDirectOfMember(GLOBEX, ALICE)).containsExactly(elsewhere);
    assertThat(store.membershipsInWorkspace(ACME, CAROL)).extracting(ConversationMember::conversationId)
        .containsExactlyInAnyOrder(31L, 32L);
    assertThat(store.lastSeqsOfMember(CAROL)).containsOnlyKeys(31L, 32L);
  }

  @Test
  void aParticipantWhoLeftTheWorkspaceIsAMemberAgainWhenTheDirectConversationIsFoundAgain() {
    Conversation dm = direct(30, ACME, ALICE, BOB);
    store.findOrCreateDirect(dm);
    setLastSeq(30, 5);
    store.removeFromWorkspace(ACME, BOB);
    assertThat(store.member(30, BOB)).isEmpty();
    assertThat(store.find(30).orElseThrow().participants()).as("the participants never change").containsExactly(ALICE, BOB);
    assertThat(store.listDirectOfMember(ACME, BOB)).isEmpty();

    Instant later = BASE.plusSeconds(5000);
    ConversationStore.DirectConversation found = store.findOrCreateDirect(
        new Conversation(31, ACME, Kind.DM, "", "", ALICE, later, Optional.empty(), 0, java.util.List.of(ALICE, BOB)));

    assertThat(found.created()).isFalse();
    assertThat(found.joined()).containsExactly(BOB);
    assertThat(store.member(30, BOB)).contains(new ConversationMember(30, BOB, later, 5));
    assertThat(store.member(30, ALICE).orElseThrow().joinedAt()).isEqualTo(dm.createdAt());
  }

  @Test
  void concurrentFindOrCreateDirectMakesOneConversation() {
    var outcomes = io.ultrachat.testkit.store.Concurrently.race(8,
        i -> () -> store.findOrCreateDirect(direct(40 + i, ACME, (i % 2 == 0) ? ALICE : CAROL, BOB, (i % 2 == 0) ? CAROL : ALICE)));

    assertThat(outcomes).allMatch(io.ultrachat.testkit.store.Concurrently.Outcome::succeeded);
    assertThat(outcomes).extracting(o -> o.value().conversation().id()).containsOnly(outcomes.getFirst().value().conversation().id());
    assertThat(outcomes).filteredOn(o -> o.value().created()).hasSize(1);
    assertThat(outcomes).flatExtracting(o -> java.util.List.copyOf(o.value().joined())).containsExactlyInAnyOrder(ALICE, BOB, CAROL);
    assertThat(scalar("SELECT COUNT(*) FROM chat_conversations")).isEqualTo(1);
    assertThat(scalar("SELECT COUNT(*) FROM chat_conversation_members")).isEqualTo(3);
  }

  @Test
  void directAndChannelCreationAreNotInterchangeable() {
    assertThatThrownBy(() -> store.create(direct(30, ACME, ALICE, BOB))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.findOrCreateDirect(conversation(10, ACME, "general"))).isInstanceOf(IllegalArgumentException.class);
    assertThat(scalar("SELECT COUNT(*) FROM chat_conversations")).isZero();
  }

  @Test
  void theSchemaRefusesADirectKindWithoutParticipantsAndAChannelWithThem() {
    assertThatThrownBy(() -> db().write(sql -> sql.update("INSERT INTO chat_conversations (id, workspace_id, kind, name, created_by,"
        + " created_at, last_seq) VALUES (50, ?, 'dm', '', 1, ?, 0)", ACME, sql.time(BASE)))).isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> db().write(sql -> sql.update("INSERT INTO chat_conversations (id, workspace_id, kind, name, created_by,"
        + " created_at, last_seq, dm_key) VALUES (51, ?, 'public', 'x', 1, ?, 0, '1,2')", ACME, sql.time(BASE))))
        .isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> db().write(sql -> sql.update("INSERT INTO chat_conversations (id, workspace_id, kind, name, created_by,"
        + " created_at, last_seq) VALUES (52, ?, 'secret', 'y', 1, ?, 0)", ACME, sql.time(BASE)))).isInstanceOf(RuntimeException.class);
    assertThat(scalar("SELECT COUNT(*) FROM chat_conversations")).isZero();
  }
}
