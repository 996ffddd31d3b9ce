package io.ultrachat.realtime.presence;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ultrachat.kernel.bus.Bus;
import io.ultrachat.kernel.json.Json;
import io.ultrachat.kernel.kv.KeyValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is online, away or offline, over all of a user's devices and all nodes, and the
 * {@code presence.changed} events that tell the people sharing a workspace with them.
 *
 * <p>Design notes. <b>State</b> lives in the {@link KeyValue} store, so every node sees the same:
 * <ul>
 *   <li>{@code presence:devices:<userId>}: a hash with one field per connected device (one
 *       WebSocket), valued {@code online} or {@code away}. Each field expires after
 *       {@code deviceTtl} unless the heartbeat refreshes it, so the devices of a crashed node
 *       vanish on their own.
 *   <li>{@code presence:announced}: a hash userId → the status last announced, for every user
 *       not offline.
 * </ul>
 * A user's status is derived from their devices: online if any is online, away if all are away,
 * offline if there are none. <b>Changes</b> are announced when the derived status differs from
 * the announced one; the announced field is swapped atomically, so when two nodes see the same
 * change only one publishes. {@link #reconcileAll} re-derives every announced user; each node
 * does that over every heartbeat, in slices ({@link #reconcileSlice}), which is what turns a
 * crashed node's users offline and repairs an announcement after two nodes raced. On one node,
 * updates of one user are serialised by a striped lock. <b>Events</b> go to
 * {@code presence.workspace.<id>} for each workspace of the user, so a node subscribes only to
 * what its connected users' workspaces need.
 *
 * <p>Thread-safe. Methods block on the store and the Chat service: call them on virtual threads.
 */
public final class Presence {
  private static final Logger LOG = LoggerFactory.getLogger(Presence.class);
  static final String ANNOUNCED = "presence:announced";
  private static final String SUBJECT_PREFIX = "presence.workspace.";
  private static final int STRIPES = 64;

  private final KeyValue kv;
  private final Bus bus;
  private final WorkspaceDirectory workspaces;
  private final Duration deviceTtl;
  private final Duration announcedTtl;
  private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
  /** The announced users as of the last {@link #reconcileSlice} of slice 0. */
  private volatile List<Long> snapshot = List.of();

  /**
   * @param deviceTtl how long a device counts as connected without a refresh: the dead-connection timeout
   */
  public Presence(KeyValue kv, Bus bus, WorkspaceDirectory workspaces, Duration deviceTtl) {
    if (deviceTtl.toMillis() < 1) {
      throw new IllegalArgumentException("deviceTtl must be at least 1 ms but was " + deviceTtl);
    }
    this.kv = kv;
    this.bus = bus;
    this.workspaces = workspaces;
    this.deviceTtl = deviceTtl;
    // Refreshed by every reconciliation; outlives the devices so the sweep still sees users whose devices expired.
    this.announcedTtl = deviceTtl.multipliedBy(4);
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  /** The bus subject of a workspace's presence events. */
  public static String workspaceSubject(long workspaceId) {
    return SUBJECT_PREFIX + workspaceId;
  }

  public static boolean isWorkspaceSubject(String subject) {
    return subject.startsWith(SUBJECT_PREFIX);
  }

  /** A device connected, or reported a new status; announces the user's status if it changed. */
  public void report(long userId, String deviceId, PresenceStatus status) {
    requireDeviceStatus(status);
    locked(userId, () -> {
      kv.putField(devices(userId), deviceId, status.wire(), deviceTtl);
      reconcile(userId);
    });
  }

  /**
   * The heartbeat of a connected device: keeps its entry alive. Announces only if the entry was
   * gone (it had expired, or the store lost it) or differed.
   */
  public void refresh(long userId, String deviceId, PresenceStatus status) {
    requireDeviceStatus(status);
    locked(userId, () -> {
      Optional<String> before = kv.putField(devices(userId), deviceId, status.wire(), deviceTtl);
      if (!before.equals(Optional.of(status.wire()))) {
        reconcile(userId);
      }
    });
  }

  /** A device disconnected; announces offline if it was the user's last. */
  public void disconnected(long userId, String deviceId) {
    locked(userId, () -> {
      kv.deleteField(devices(userId), deviceId);
      reconcile(userId);
    });
  }

  /**
   * Re-derives the status of every user announced as online or away and announces changes, such
   * as offline for users whose devices expired because their node stopped.
   */
  public void reconcileAll() {
    announcedUsers().forEach(this::reconcileQuietly);
  }

  /**
   * {@link #reconcileAll} in {@code slices} parts, one per call: slice 0 takes a snapshot of the
   * announced users, and each slice re-derives the users of the snapshot whose id falls in it. A
   * sweep calling slices 0 to {@code slices - 1} in turn re-derives every user once, spread over
   * the heartbeat. All at once, every node's sweep made one store round trip per user of the whole
   * cluster in one burst, which stalled sends for 100-300 ms every heartbeat
   * (docs/performance.md); users announced after the snapshot were reconciled as they were
   * announced and are taken at the next slice 0.
   */
  public void reconcileSlice(int slice, int slices) {
    if (slices < 1 || slice < 0 || slice >= slices) {
      throw new IllegalArgumentException("slice " + slice + " of " + slices);
    }
    if (slice == 0) {
      snapshot = announcedUsers();
    }
    for (long userId : snapshot) {
      if (Math.floorMod(Long.hashCode(userId), slices) == slice) {
        reconcileQuietly(userId);
      }
    }
  }

  private List<Long> announcedUsers() {
    List<Long> users = new ArrayList<>();
    for (String field : kv.fields(ANNOUNCED).keySet()) {
      try {
        users.add(Long.parseLong(field));
      } catch (NumberFormatException e) {
        // Not a user id: nothing this class wrote.
      }
    }
    return users;
  }

  private void reconcileQuietly(long userId) {
    try {
      locked(userId, () -> reconcile(userId));
    } catch (RuntimeException e) {
      LOG.warn("could not reconcile the presence of user {}: {}", userId, e.getMessage());
    }
  }

  /** A user's status now, from their devices. */
  public PresenceStatus status(long userId) {
    return PresenceStatus.of(kv.fields(devices(userId)).values());
  }

  /**
   * The members of a workspace who are online or away, as announced, for one of its members.
   *
   * @throws io.ultrachat.kernel.error.NotFound if the caller is not a member
   */
  public Map<Long, PresenceStatus> inWorkspace(long actor, long workspaceId) {
    Set<Long> members = new HashSet<>(workspaces.members(actor, workspaceId));
    Map<Long, PresenceStatus> out = new LinkedHashMap<>();
    kv.fields(ANNOUNCED).forEach((field, status) -> {
      try {
        long userId = Long.parseLong(field);
        PresenceStatus s = PresenceStatus.parse(status);
        if (members.contains(userId) && s != PresenceStatus.OFFLINE) {
          out.put(userId, s);
        }
      } catch (NumberFormatException ignored) {
        // Not a user id: nothing this class wrote.
      }
    });
    return out;
  }

  /** Compares the derived status with the announced one; on a change, swaps it and publishes. Under the user's lock. */
  private void reconcile(long userId) {
    PresenceStatus now = status(userId);
    String field = Long.toString(userId);
    Optional<String> before = now == PresenceStatus.OFFLINE
        ? kv.deleteField(ANNOUNCED, field)
        : kv.putField(ANNOUNCED, field, now.wire(), announcedTtl);
    PresenceStatus was = before.map(PresenceStatus::parse).orElse(PresenceStatus.OFFLINE);
    if (was != now) {
      publish(userId, now);
    }
  }

  private void publish(long userId, PresenceStatus status) {
    for (long workspaceId : workspaces.workspacesOf(userId)) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("type", "presence.changed");
      e.put("workspaceId", Long.toString(workspaceId));
      e.put("userId", Long.toString(userId));
      e.put("status", status.wire());
      try {
        bus.publish(workspaceSubject(workspaceId), Json.mapper().writeValueAsBytes(e));
      } catch (JsonProcessingException | RuntimeException ex) {
        // Presence is ephemeral: the next change or the REST view corrects a lost event.
        LOG.warn("could not publish presence of user {} to workspace {}: {}", userId, workspaceId, ex.getMessage());
      }
    }
  }

  private void locked(long userId, Runnable work) {
    ReentrantLock lock = locks[Math.floorMod(Long.hashCode(userId), STRIPES)];
    lock.lock();
    try {
      work.run();
    } finally {
      lock.unlock();
    }
  }

  private static String devices(long userId) {
    return "presence:devices:" + userId;
  }

  private static void requireDeviceStatus(PresenceStatus status) {
    if (status == PresenceStatus.OFFLINE) {
      throw new IllegalArgumentException("a connected device is online or away, never offline");
    }
  }
}
