package dev.registryoperator.gcreport.retention;

import dev.registryoperator.gcreport.retention.Inventory.Repository;
import dev.registryoperator.gcreport.retention.RetentionPlan.DeletedManifest;
import dev.registryoperator.gcreport.retention.RetentionPlan.RepositoryPlan;
import dev.registryoperator.gcreport.retention.RetentionPlan.Totals;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides which tags and manifests a GcSchedule's {@code spec.retention} deletes before GC. Pure:
 * the GC runner reads the storage into an {@link Inventory} and the cluster's images into a {@link
 * Protection}, and deletes what the plan says (or only reports it, for a dry run).
 *
 * <p>Tags, in each repository:
 *
 * <ul>
 *   <li>A rule applies to a repository when one of its repositories globs matches the name (or it
 *       has none) and none of its excludeRepositories does. It selects the tags its tagPattern
 *       matches as a whole (all, without one), except {@code latest} unless the pattern's text
 *       contains the word {@code latest}.
 *   <li>A selected tag is kept when any rule selecting it keeps it: it matches the rule's
 *       keepTagPattern, or it is among the rule's keepLatest newest tags of those the rule selects
 *       in the repository (by push time, equal times by name; tags kept by the pattern count among
 *       them), or it was pushed less than keepYoungerThan ago. The first such rule is the reason.
 *   <li>Otherwise it is deleted, unless a workload runs it (by {@code repository:tag}, by {@code
 *       repository@digest} of its manifest, or of any manifest in its index): then it is kept as
 *       Protected.
 *   <li>A tag no rule selects is kept (NotSelected); {@code latest}, which a rule would select but
 *       for its name, is kept as Latest.
 * </ul>
 *
 * <p>Manifests: see {@link ManifestVerdicts}. Bytes: see {@link FreedBytes}.
 */
public final class RetentionDecision {
  private RetentionDecision() {}

  /**
   * The plan for {@code inventory} at {@code now}.
   *
   * @param rules the rules in their order (their indexes are what the plan cites); none: nothing is
   *     deleted
   * @throws IllegalArgumentException when the rules are not valid (see {@link
   *     RetentionRules#validate})
   */
  public static RetentionPlan decide(
      Inventory inventory, List<RetentionRule> rules, Protection protection, Instant now) {
    List<CompiledRule> compiled = RetentionRules.compile(rules);
    List<RepositoryPlan> plans = new ArrayList<>();
    Map<String, Set<String>> deletedManifests = new HashMap<>();
    for (Repository repository : inventory.repositories()) {
      ManifestGraph graph = new ManifestGraph(repository);
      TagVerdicts tags = TagVerdicts.of(repository, graph, compiled, protection, now);
      ManifestVerdicts manifests =
          ManifestVerdicts.of(repository, graph, tags.deleted(), tags.kept(), protection);
      plans.add(
          new RepositoryPlan(
              repository.name(),
              manifests.tags(),
              tags.kept(),
              manifests.deleted(),
              manifests.kept()));
      deletedManifests.put(
          repository.name(),
          manifests.deleted().stream().map(DeletedManifest::digest).collect(Collectors.toSet()));
    }
    Totals totals =
        new Totals(
            plans.stream().mapToInt(p -> p.deletedTags().size()).sum(),
            plans.stream().mapToInt(p -> p.deletedManifests().size()).sum(),
            FreedBytes.of(inventory, deletedManifests),
            (int)
                plans.stream()
                    .flatMap(p -> p.keptTags().stream())
                    .filter(t -> t.reason() == KeepReason.Protected)
                    .count());
    return new RetentionPlan(plans, totals);
  }
}
