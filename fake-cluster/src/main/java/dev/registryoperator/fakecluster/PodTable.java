package dev.registryoperator.fakecluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * All pods the fake kubelet manages, by uid, in creation order. Only touched on the logic thread.
 */
final class PodTable {
  private final Map<String, PodRecord> byUid = new LinkedHashMap<>();

  void add(PodRecord record) {
    byUid.put(record.uid, record);
  }

  Optional<PodRecord> get(String uid) {
    return Optional.ofNullable(byUid.get(uid));
  }

  /** Snapshot, so callers may change the table while iterating. */
  List<PodRecord> all() {
    return new ArrayList<>(byUid.values());
  }

  /** Pods of an owner that still exist (terminating ones included), oldest first. */
  List<PodRecord> ownedBy(String ownerUid) {
    return byUid.values().stream().filter(r -> ownerUid.equals(r.ownerUid) && !r.gone()).toList();
  }

  /** All pods an owner ever had, gone ones included. */
  List<PodRecord> everOwnedBy(String ownerUid) {
    return byUid.values().stream().filter(r -> ownerUid.equals(r.ownerUid)).toList();
  }
}
