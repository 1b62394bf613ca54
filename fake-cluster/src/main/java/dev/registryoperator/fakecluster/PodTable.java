package dev.registryoperator.fakecluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * All pods the fake kubelet manages, by uid, in creation order, with each owner's and each
 * namespace's pods at hand (the controllers ask for them on every tick: a scan of every pod for
 * each owner made a tick quadratic in the number of pods). Only touched on the logic thread.
 */
final class PodTable {
  private final Map<String, PodRecord> byUid = new LinkedHashMap<>();

  /**
   * The pods not yet gone, in creation order; gone ones are dropped when {@link #live} meets them.
   */
  private final Map<String, PodRecord> live = new LinkedHashMap<>();

  private final Map<String, List<PodRecord>> byOwner = new HashMap<>();
  private final Map<String, List<PodRecord>> byNamespace = new HashMap<>();

  void add(PodRecord record) {
    if (byUid.put(record.uid, record) != null) {
      byOwner.values().forEach(l -> l.removeIf(r -> r.uid.equals(record.uid)));
      byNamespace.values().forEach(l -> l.removeIf(r -> r.uid.equals(record.uid)));
    }
    live.put(record.uid, record);
    if (record.ownerUid != null) {
      byOwner.computeIfAbsent(record.ownerUid, o -> new ArrayList<>()).add(record);
    }
    byNamespace
        .computeIfAbsent(String.valueOf(record.namespace), n -> new ArrayList<>())
        .add(record);
  }

  Optional<PodRecord> get(String uid) {
    return Optional.ofNullable(byUid.get(uid));
  }

  /** Snapshot of the pods not gone, oldest first (the kubelet looks at them on every tick). */
  List<PodRecord> live() {
    live.values().removeIf(PodRecord::gone);
    return new ArrayList<>(live.values());
  }

  /** Pods of an owner that still exist (terminating ones included), oldest first. */
  List<PodRecord> ownedBy(String ownerUid) {
    return byOwner.getOrDefault(ownerUid, List.of()).stream().filter(r -> !r.gone()).toList();
  }

  /** All pods an owner ever had, gone ones included. */
  List<PodRecord> everOwnedBy(String ownerUid) {
    return List.copyOf(byOwner.getOrDefault(ownerUid, List.of()));
  }

  /** Pods of a namespace that still exist, oldest first. */
  List<PodRecord> inNamespace(String namespace) {
    return byNamespace.getOrDefault(String.valueOf(namespace), List.of()).stream()
        .filter(r -> !r.gone())
        .toList();
  }
}
