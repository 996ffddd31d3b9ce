package io.ultrachat.realtime.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.kernel.bus.InProcessBus;
import io.ultrachat.kernel.error.NotFound;
import io.ultrachat.kernel.json.Json;
import io.ultrachat.kernel.kv.InMemoryKeyValue;
import io.ultrachat.testkit.MutableClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Presence across nodes: two {@link Presence} instances share one store and one bus, as two
 * nodes share Redis and NATS. Time is a fake clock, so expiry needs no sleeping.
 */
class PresenceTest {
  private static final Duration DEVICE_TTL = Duration.ofSeconds(75);
  private static final long ALICE = 1;
  private static final long BOB = 2;
  private static final long WORKSPACE = 100;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryKeyValue kv = new InMemoryKeyValue(clock);
  private final InProcessBus bus = new InProcessBus();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final WorkspaceDirectory directory = new WorkspaceDirectory() {
    @Override
    public List<Long> workspacesOf(long userId) {
      return List.of(WORKSPACE);
    }

    @Override
    public List<Long> members(long actor, long workspaceId) {
      if (workspaceId != WORKSPACE || (actor != ALICE && actor != BOB)) {
        throw new NotFound("workspace-not-found", "workspace not found");
      }
      return List.of(ALICE, BOB);
    }
  };
  private final Presence nodeA = new Presence(kv, bus, directory, DEVICE_TTL);
  private final Presence nodeB = new Presence(kv, bus, directory, DEVICE_TTL);

  PresenceTest() {
    bus.subscribe("presence.workspace.>", m -> {
      try {
        JsonNode e = Json.mapper().readTree(m.payload());
        events.add(e.path("userId").asText() + ":" + e.path("status").asText());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @AfterEach
  void close() {
    bus.close();
  }

  private void expectEvents(String... expected) {
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= expected.length);
    assertThat(events).containsExactly(expected);
  }

  @Test
  void devicesOnTwoNodesMakeOneStatus() {
    nodeA.report(ALICE, "phone", PresenceStatus.ONLINE);
    nodeB.report(ALICE, "laptop", PresenceStatus.ONLINE);
    nodeA.report(ALICE, "phone", PresenceStatus.AWAY);
    assertThat(nodeB.status(ALICE)).isEqualTo(PresenceStatus.ONLINE);
    nodeB.report(ALICE, "laptop", PresenceStatus.AWAY);
    assertThat(nodeA.status(ALICE)).isEqualTo(PresenceStatus.AWAY);
    nodeB.disconnected(ALICE, "laptop");
    nodeA.disconnected(ALICE, "phone");
    expectEvents("1:online", "1:away", "1:offline");
  }

  @Test
  void theUsersOfAStoppedNodeGoOfflineOnceTheirDevicesExpire() {
    nodeA.report(ALICE, "phone", PresenceStatus.ONLINE);
    nodeB.report(BOB, "laptop", PresenceStatus.ONLINE);
    // Node A stops: nobody refreshes alice's phone. Node B keeps its heartbeat.
    for (int beat = 0; beat < 2; beat++) {
      clock.advance(Duration.ofSeconds(30));
      nodeB.refresh(BOB, "laptop", PresenceStatus.ONLINE);
      nodeB.reconcileAll();
    }
    assertThat(nodeB.inWorkspace(BOB, WORKSPACE)).containsOnlyKeys(ALICE, BOB);
    clock.advance(Duration.ofSeconds(30));
    nodeB.refresh(BOB, "laptop", PresenceStatus.ONLINE);
    nodeB.reconcileAll();
    assertThat(nodeB.status(ALICE)).isEqualTo(PresenceStatus.OFFLINE);
    assertThat(nodeB.inWorkspace(BOB, WORKSPACE)).isEqualTo(Map.of(BOB, PresenceStatus.ONLINE));
    // Reconciling again announces nothing new.
    nodeA.reconcileAll();
    nodeB.reconcileAll();
    expectEvents("1:online", "2:online", "1:offline");
  }

  @Test
  void slicesReconcileEachAnnouncedUserOncePerRound() {
    int slices = 30;
    List<Long> users = LongStream.rangeClosed(1, 200).boxed().toList();
    users.forEach(u -> nodeA.report(u, "phone", PresenceStatus.ONLINE));
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == users.size());
    events.clear();
    // Node A stops; its devices expire. Node B's sweep goes through its slices.
    clock.advance(DEVICE_TTL.plusSeconds(1));
    nodeB.reconcileSlice(0, slices);
    int reconciledFirst = users.size() - kv.fields(Presence.ANNOUNCED).size();
    assertThat(reconciledFirst).isPositive().isLessThan(users.size() / 10);
    for (int slice = 1; slice < slices; slice++) {
      nodeB.reconcileSlice(slice, slices);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= users.size());
    assertThat(events).hasSize(users.size()).doesNotHaveDuplicates().allMatch(e -> e.endsWith(":offline"));
    assertThat(nodeB.inWorkspace(ALICE, WORKSPACE)).isEmpty();
  }

  @Test
  void aUserAnnouncedAfterTheSnapshotIsTakenAtTheNextRound() {
    nodeB.reconcileSlice(0, 2);
    nodeA.report(ALICE, "phone", PresenceStatus.ONLINE);
    clock.advance(DEVICE_TTL.plusSeconds(1));
    nodeB.reconcileSlice(1, 2);
    assertThat(nodeB.inWorkspace(BOB, WORKSPACE)).containsOnlyKeys(ALICE);
    nodeB.reconcileSlice(0, 2);
    nodeB.reconcileSlice(1, 2);
    expectEvents("1:online", "1:offline");
  }

  @Test
  void aRefreshAfterExpiryAnnouncesTheDeviceAgain() {
    nodeA.report(ALICE, "phone", PresenceStatus.ONLINE);
    clock.advance(DEVICE_TTL.plusSeconds(1));
    nodeA.reconcileAll();
    nodeA.refresh(ALICE, "phone", PresenceStatus.ONLINE);
    // A plain refresh of a live entry says nothing.
    nodeA.refresh(ALICE, "phone", PresenceStatus.ONLINE);
    expectEvents("1:online", "1:offline", "1:online");
  }

  @Test
  void twoNodesReconcilingTheSameChangeAnnounceItOnce() {
    nodeA.report(ALICE, "phone", PresenceStatus.ONLINE);
    clock.advance(DEVICE_TTL.plusSeconds(1));
    nodeA.reconcileAll();
    nodeB.reconcileAll();
    nodeA.reconcileAll();
    expectEvents("1:online", "1:offline");
  }

  @Test
  void onlyMembersMayListAWorkspace() {
    nodeA.report(ALICE, "phone", PresenceStatus.AWAY);
    assertThat(nodeA.inWorkspace(BOB, WORKSPACE)).isEqualTo(Map.of(ALICE, PresenceStatus.AWAY));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> nodeA.inWorkspace(3, WORKSPACE)).isInstanceOf(NotFound.class);
  }
}
