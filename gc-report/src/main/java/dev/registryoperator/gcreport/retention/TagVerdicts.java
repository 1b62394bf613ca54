package dev.registryoperator.gcreport.retention;

import dev.registryoperator.gcreport.retention.Inventory.Repository;
import dev.registryoperator.gcreport.retention.Inventory.Tag;
import dev.registryoperator.gcreport.retention.RetentionPlan.DeletedTag;
import dev.registryoperator.gcreport.retention.RetentionPlan.KeptTag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The rules' and the workloads' word on each tag of one repository; what that means for its
 * manifests is {@link ManifestVerdicts}' part.
 *
 * @param deleted the tags that go, each as if its manifest went too ({@code manifestStays} false)
 */
record TagVerdicts(List<KeptTag> kept, List<DeletedTag> deleted) {
  /**
   * keepLatest's order: the most recently pushed first; tags pushed at the same instant (a CI job
   * pushing several tags of one build) by name, so the same storage always gives the same plan.
   */
  static final Comparator<Tag> NEWEST_FIRST =
      Comparator.comparing(Tag::pushed).reversed().thenComparing(Tag::name);

  static TagVerdicts of(
      Repository repository,
      ManifestGraph graph,
      List<CompiledRule> rules,
      Protection protection,
      Instant now) {
    List<CompiledRule> applying =
        rules.stream().filter(r -> r.appliesTo(repository.name())).toList();
    Map<Integer, Set<String>> newest = new HashMap<>();
    for (CompiledRule rule : applying) {
      newest.put(rule.index(), newest(repository, rule));
    }
    List<KeptTag> kept = new ArrayList<>();
    List<DeletedTag> deleted = new ArrayList<>();
    for (Tag tag : repository.tags()) {
      List<CompiledRule> selecting = applying.stream().filter(r -> r.selects(tag.name())).toList();
      if (selecting.isEmpty()) {
        kept.add(unselected(tag, applying));
        continue;
      }
      Optional<KeptTag> keep =
          selecting.stream()
              .map(rule -> keptBy(rule, tag, newest.get(rule.index()), now))
              .flatMap(Optional::stream)
              .findFirst();
      if (keep.isPresent()) {
        kept.add(keep.get());
        continue;
      }
      String why = selecting.stream().map(CompiledRule::deletes).collect(Collectors.joining("; "));
      List<String> users = users(repository, graph, tag, protection);
      if (users.isEmpty()) {
        List<Integer> indexes = selecting.stream().map(CompiledRule::index).toList();
        deleted.add(new DeletedTag(tag.name(), tag.digest(), tag.pushed(), indexes, why, false));
      } else {
        kept.add(
            new KeptTag(
                tag.name(),
                tag.digest(),
                KeepReason.Protected,
                null,
                "in use; the rules would delete it (" + why + ")",
                users));
      }
    }
    return new TagVerdicts(List.copyOf(kept), List.copyOf(deleted));
  }

  /** The names of the rule's keepLatest newest tags in the repository; none without keepLatest. */
  private static Set<String> newest(Repository repository, CompiledRule rule) {
    if (rule.keepLatest() == null) {
      return Set.of();
    }
    return repository.tags().stream()
        .filter(t -> rule.selects(t.name()))
        .sorted(NEWEST_FIRST)
        .limit(rule.keepLatest())
        .map(Tag::name)
        .collect(Collectors.toSet());
  }

  private static KeptTag unselected(Tag tag, List<CompiledRule> applying) {
    if (CompiledRule.LATEST.equals(tag.name())
        && applying.stream().anyMatch(r -> r.matchesTag(tag.name()))) {
      return kept(tag, KeepReason.Latest, null, "no rule whose tagPattern matches it names latest");
    }
    return kept(tag, KeepReason.NotSelected, null, "no rule selects it");
  }

  /** Whether {@code rule}, which selects the tag, keeps it, and why: by name, number, then age. */
  private static Optional<KeptTag> keptBy(
      CompiledRule rule, Tag tag, Set<String> newest, Instant now) {
    if (rule.keepsByPattern(tag.name())) {
      return Optional.of(
          kept(
              tag,
              KeepReason.KeptByPattern,
              rule.index(),
              "matches keepTagPattern " + rule.keepTagPattern().pattern()));
    }
    if (newest.contains(tag.name())) {
      return Optional.of(kept(tag, KeepReason.KeptByLatest, rule.index(), rule.newest()));
    }
    if (rule.keepsByAge(tag.pushed(), now)) {
      return Optional.of(
          kept(
              tag,
              KeepReason.KeptByAge,
              rule.index(),
              "pushed less than " + rule.rule().keepYoungerThan() + " ago"));
    }
    return Optional.empty();
  }

  private static KeptTag kept(Tag tag, KeepReason reason, Integer rule, String detail) {
    return new KeptTag(tag.name(), tag.digest(), reason, rule, detail, List.of());
  }

  /**
   * Who runs the tag: by its name, by its digest, or by the digest of a manifest in its index (a
   * pod's imageID names the platform's manifest of a multi-arch image).
   */
  private static List<String> users(
      Repository repository, ManifestGraph graph, Tag tag, Protection protection) {
    Set<String> users = new TreeSet<>(protection.usersOfTag(repository.name(), tag.name()));
    for (String digest : graph.closure(tag.digest())) {
      users.addAll(protection.usersOfDigest(repository.name(), digest));
    }
    return List.copyOf(users);
  }
}
