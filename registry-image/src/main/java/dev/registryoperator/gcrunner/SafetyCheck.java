package dev.registryoperator.gcrunner;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The preflight's safety check for {@code --delete-untagged} on registries before 3.0, which delete
 * every child manifest of a tagged OCI index or Docker manifest list (and then the children's
 * configs and layers).
 */
public final class SafetyCheck {

  /**
   * A manifest the registry would delete although a tagged multi-arch image needs it.
   *
   * @param repository the repository of both
   * @param protector who needs it: {@code repo:tag} (or {@code repo@digest} when tags are not
   *     known)
   * @param digest the child manifest
   */
  public record Conflict(String repository, String protector, String digest) {}

  private SafetyCheck() {}

  /**
   * @param eligible the manifests the preflight lists for deletion
   * @param protectedChildren per repository, per tagged index, the digests of its child manifests
   */
  public static List<Conflict> conflicts(
      List<EligibleManifest> eligible, Map<String, Map<String, Set<String>>> protectedChildren) {
    List<Conflict> conflicts = new ArrayList<>();
    for (EligibleManifest manifest : eligible) {
      Iterable<String> repositories =
          manifest.repository() != null
              ? List.of(manifest.repository())
              : protectedChildren.keySet();
      for (String repository : repositories) {
        protectedChildren
            .getOrDefault(repository, Map.of())
            .forEach(
                (protector, children) -> {
                  if (children.contains(manifest.digest())) {
                    conflicts.add(new Conflict(repository, protector, manifest.digest()));
                  }
                });
      }
    }
    return conflicts;
  }

  /**
   * The children of tagged indexes (at any depth) that no tag of their repository points to:
   * distribution before 3.0 lists such a child for deletion with {@code --delete-untagged} if it is
   * a manifest revision of that repository (it looks up, for each revision, the tags whose current
   * link names it).
   *
   * @param protectedChildren per repository, per tagged index, its child manifests
   * @param taggedDigests per repository, the digests its tags point to
   */
  public static List<EligibleManifest> untaggedChildren(
      Map<String, Map<String, Set<String>>> protectedChildren,
      Map<String, Set<String>> taggedDigests) {
    List<EligibleManifest> untagged = new ArrayList<>();
    protectedChildren.forEach(
        (repository, indexes) -> {
          Set<String> tagged = taggedDigests.getOrDefault(repository, Set.of());
          indexes.values().stream()
              .flatMap(Set::stream)
              .filter(child -> !tagged.contains(child))
              .distinct()
              .sorted()
              .forEach(child -> untagged.add(new EligibleManifest(repository, child)));
        });
    return untagged;
  }

  /** The refusal message, naming every affected image. */
  public static String refusal(List<Conflict> conflicts, RegistryVersion version) {
    Set<String> protectors = new LinkedHashSet<>();
    Set<String> children = new LinkedHashSet<>();
    for (Conflict conflict : conflicts) {
      protectors.add(conflict.protector());
      children.add(conflict.repository() + "@" + conflict.digest());
    }
    return "refused --delete-untagged: registry "
        + version.display()
        + " (before 3.0) would delete "
        + children.size()
        + " child manifest(s) of tagged multi-arch image(s) "
        + String.join(", ", protectors)
        + "; nothing was deleted. Run without --delete-untagged, or use a 3.x registry.";
  }
}
