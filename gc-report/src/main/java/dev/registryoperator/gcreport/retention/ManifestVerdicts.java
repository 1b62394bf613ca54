package dev.registryoperator.gcreport.retention;

import dev.registryoperator.gcreport.retention.Inventory.Repository;
import dev.registryoperator.gcreport.retention.ManifestGraph.Link;
import dev.registryoperator.gcreport.retention.RetentionPlan.DeletedManifest;
import dev.registryoperator.gcreport.retention.RetentionPlan.DeletedTag;
import dev.registryoperator.gcreport.retention.RetentionPlan.KeptManifest;
import dev.registryoperator.gcreport.retention.RetentionPlan.KeptTag;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which manifests of one repository go with its deleted tags, and which stay although a deleted tag
 * pointed to them. Deleting a manifest by digest removes every tag pointing to it and leaves
 * nothing for a client that pulls what contains it or what it is about, hence:
 *
 * <ul>
 *   <li>Candidates: the manifests deleted tags point to; with a candidate index, its children; with
 *       a candidate, its referrers (signatures, SBOMs, and theirs), whose subject would be gone.
 *   <li>What stays: every manifest that is not a candidate (retention does not delete untagged
 *       manifests it did not untag: that is GC's deleteUntagged), every manifest a kept tag points
 *       to, every manifest a workload runs by digest, and, to a fixpoint, the children of an index
 *       that stays and the referrers of a manifest that stays. A referrer does not keep its
 *       subject.
 *   <li>Deleted: the candidates that do not stay. A deleted tag whose manifest stays is removed as
 *       a tag alone.
 * </ul>
 *
 * @param tags the deleted tags, each now saying whether its manifest stays
 * @param deleted the manifests to delete, by digest
 * @param kept the candidates that stay, with why
 */
record ManifestVerdicts(
    List<DeletedTag> tags, List<DeletedManifest> deleted, List<KeptManifest> kept) {

  static ManifestVerdicts of(
      Repository repository,
      ManifestGraph graph,
      List<DeletedTag> deletedTags,
      List<KeptTag> keptTags,
      Protection protection) {
    Map<String, List<String>> deletedTagsOf = new TreeMap<>();
    deletedTags.forEach(
        t -> deletedTagsOf.computeIfAbsent(t.digest(), d -> new ArrayList<>()).add(t.tag()));
    Map<String, List<String>> keptTagsOf = new TreeMap<>();
    keptTags.forEach(
        t -> keptTagsOf.computeIfAbsent(t.digest(), d -> new ArrayList<>()).add(t.tag()));

    Map<String, String> candidates = candidates(graph, deletedTagsOf.keySet());
    // The candidates that stay of themselves: run by a workload, or pointed to by a kept tag.
    Map<String, KeptManifest> kept = new TreeMap<>();
    for (String digest : candidates.keySet()) {
      List<String> tags = deletedTagsOf.getOrDefault(digest, List.of());
      List<String> users = protection.usersOfDigest(repository.name(), digest);
      List<String> keptBy = keptTagsOf.get(digest);
      if (!users.isEmpty()) {
        kept.put(
            digest,
            new KeptManifest(digest, tags, KeepReason.Protected, "in use by digest", users));
      } else if (keptBy != null) {
        String detail =
            "tag " + String.join(", ", keptBy) + (keptBy.size() == 1 ? " stays" : " stay");
        kept.put(
            digest, new KeptManifest(digest, tags, KeepReason.StillReferenced, detail, List.of()));
      }
    }

    // What stays, to a fixpoint: what an index that stays contains, what refers to what stays.
    Set<String> stays = new TreeSet<>(repository.manifests().keySet());
    stays.removeAll(candidates.keySet());
    stays.addAll(keptTagsOf.keySet());
    stays.addAll(kept.keySet());
    graph.walk(
        List.copyOf(stays),
        (digest, link, from) -> {
          if (!stays.add(digest)) {
            return false;
          }
          if (candidates.containsKey(digest)) {
            String detail =
                (link == Link.InIndex ? "in index " : "refers to ") + from + ", which stays";
            List<String> tags = deletedTagsOf.getOrDefault(digest, List.of());
            kept.put(
                digest,
                new KeptManifest(digest, tags, KeepReason.StillReferenced, detail, List.of()));
          }
          return true;
        });

    List<DeletedManifest> deleted = new ArrayList<>();
    new TreeMap<>(candidates)
        .forEach(
            (digest, why) -> {
              if (!stays.contains(digest)) {
                List<String> tags = deletedTagsOf.getOrDefault(digest, List.of());
                deleted.add(new DeletedManifest(digest, tags, why));
              }
            });
    List<DeletedTag> tags =
        deletedTags.stream()
            .map(
                t ->
                    new DeletedTag(
                        t.tag(),
                        t.digest(),
                        t.pushed(),
                        t.rules(),
                        t.why(),
                        stays.contains(t.digest())))
            .toList();
    return new ManifestVerdicts(tags, List.copyOf(deleted), List.copyOf(kept.values()));
  }

  /**
   * What deleting the manifests of the deleted tags would take along, each with why it would go
   * (the first way it was reached).
   */
  private static Map<String, String> candidates(ManifestGraph graph, Set<String> tagged) {
    Map<String, String> candidates = new LinkedHashMap<>();
    tagged.forEach(d -> candidates.put(d, "only deleted tags point to it"));
    graph.walk(
        List.copyOf(candidates.keySet()),
        (digest, link, from) -> {
          String why =
              link == Link.InIndex ? "in deleted index " + from : "refers to deleted " + from;
          return candidates.putIfAbsent(digest, why) == null;
        });
    return candidates;
  }
}
