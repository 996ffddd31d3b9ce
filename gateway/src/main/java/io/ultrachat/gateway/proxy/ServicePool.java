package io.ultrachat.gateway.proxy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The instances of one service and the choice among them. {@link #pick} runs on event loops
 * concurrently and never blocks or locks: it reads an immutable snapshot of the members, which
 * {@link #update} (the health checker's thread) replaces whole.
 */
final class ServicePool {
  final String service;
  private final ProxyConfig.Balancer balancer;
  private final AtomicInteger cursor = new AtomicInteger();
  private volatile List<Member> members = List.of();

  ServicePool(String service, ProxyConfig.Balancer balancer) {
    this.service = service;
    this.balancer = balancer;
  }

  List<Member> members() {
    return members;
  }

  /**
   * Replaces the instance list with what the registry holds now. Known instances keep their
   * state (health, draining, in-flight); instances gone from the registry are marked so, which
   * drains them: their in-flight requests finish, nothing new is sent. Single writer.
   *
   * @return the members that left
   */
  List<Member> update(List<Instance> current) {
    Map<Instance, Member> known = new HashMap<>();
    for (Member m : members) {
      known.put(m.instance, m);
    }
    List<Member> next = new ArrayList<>(current.size());
    for (Instance i : current) {
      Member m = known.remove(i);
      next.add(m != null ? m : new Member(service, i));
    }
    // A stable order keeps round robin fair while the list is re-read.
    next.sort(java.util.Comparator.comparing(m -> m.instance.id()));
    known.values().forEach(Member::deregistered);
    members = List.copyOf(next);
    return List.copyOf(known.values());
  }

  /** An instance in rotation that is not in {@code exclude} (those already tried), if any. */
  Optional<Member> pick(Set<Member> exclude) {
    List<Member> snapshot = members;
    int n = snapshot.size();
    if (n == 0) {
      return Optional.empty();
    }
    int start = Math.floorMod(cursor.getAndIncrement(), n);
    Member best = null;
    for (int k = 0; k < n; k++) {
      Member m = snapshot.get((start + k) % n);
      if (!m.inRotation() || exclude.contains(m)) {
        continue;
      }
      if (balancer == ProxyConfig.Balancer.ROUND_ROBIN) {
        return Optional.of(m);
      }
      if (best == null || m.inFlight() < best.inFlight()) {
        best = m;
      }
    }
    return Optional.ofNullable(best);
  }

  Optional<Member> find(String instanceId) {
    for (Member m : members) {
      if (m.instance.id().equals(instanceId)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  int inRotation() {
    int count = 0;
    for (Member m : members) {
      if (m.inRotation()) {
        count++;
      }
    }
    return count;
  }
}
