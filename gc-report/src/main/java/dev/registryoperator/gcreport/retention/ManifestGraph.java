package dev.registryoperator.gcreport.retention;

import dev.registryoperator.gcreport.retention.Inventory.Repository;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The links between the manifests of one repository along which one manifest's fate decides
 * another's: an index contains its children, and a referrer (signature, SBOM) is about its subject.
 * Links to manifests of which the repository has no revision lead nowhere further.
 */
final class ManifestGraph {
  /** How a manifest was reached from another. */
  enum Link {
    /** It is a child of the index it was reached from. */
    InIndex,
    /** It is a referrer of the manifest it was reached from. */
    RefersTo
  }

  /** Told of each manifest a walk reaches. */
  interface Reach {
    /** Whether {@code digest} is newly reached, to walk on from; {@code from} links to it. */
    boolean reached(String digest, Link link, String from);
  }

  private final Repository repository;

  /** Each subject's referrers, by digest. */
  private final Map<String, List<String>> referrers = new TreeMap<>();

  ManifestGraph(Repository repository) {
    this.repository = repository;
    repository
        .manifests()
        .forEach(
            (digest, manifest) -> {
              if (manifest.subject() != null) {
                referrers.computeIfAbsent(manifest.subject(), s -> new ArrayList<>()).add(digest);
              }
            });
  }

  /**
   * {@code digest} and, when it is an index, its children, theirs, and so on: what a client pulling
   * it may fetch.
   */
  Set<String> closure(String digest) {
    Set<String> closure = new LinkedHashSet<>();
    Deque<String> next = new ArrayDeque<>(List.of(digest));
    while (!next.isEmpty()) {
      String d = next.removeFirst();
      if (closure.add(d)) {
        next.addAll(repository.manifest(d).children());
      }
    }
    return closure;
  }

  /**
   * Walks breadth-first from {@code start}, in its order, to the children of each index and the
   * referrers of each manifest, and from each manifest {@code reach} says is new. The order is
   * fixed (children as the index lists them, referrers by digest), so the first way a manifest is
   * reached is too.
   */
  void walk(Collection<String> start, Reach reach) {
    Deque<String> next = new ArrayDeque<>(start);
    while (!next.isEmpty()) {
      String from = next.removeFirst();
      for (String child : repository.manifest(from).children()) {
        if (reach.reached(child, Link.InIndex, from)) {
          next.add(child);
        }
      }
      for (String referrer : referrers.getOrDefault(from, List.of())) {
        if (reach.reached(referrer, Link.RefersTo, from)) {
          next.add(referrer);
        }
      }
    }
  }
}
