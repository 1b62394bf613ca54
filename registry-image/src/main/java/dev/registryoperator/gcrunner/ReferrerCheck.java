package dev.registryoperator.gcrunner;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The preflight's check for OCI 1.1 referrers (signatures, SBOMs, attestations: manifests whose
 * {@code subject} names another manifest). Distribution's garbage collector does not follow {@code
 * subject}, so {@code --delete-untagged} deletes an untagged referrer while the image it describes
 * stays, on 2.x and 3.x alike. A referrer that a tag or a tagged index (the referrers tag schema's
 * {@code sha256-<digest>} index) keeps is safe.
 */
final class ReferrerCheck {

  /**
   * An untagged referrer whose subject stays.
   *
   * @param repository the repository of both
   * @param digest the referrer
   * @param subject the manifest it refers to
   */
  record Referrer(String repository, String digest, String subject) {}

  private ReferrerCheck() {}

  /**
   * The untagged referrers, among the repositories' manifest revisions, of manifests that a tag or
   * a tagged index keeps.
   */
  static List<Referrer> atRisk(StorageView storage, ImageGraph graph) throws IOException {
    Map<String, Set<String>> kept = graph.keptManifests();
    List<Referrer> atRisk = new ArrayList<>();
    for (String repository : storage.repositories()) {
      Set<String> keptHere = kept.getOrDefault(repository, Set.of());
      for (String revision : storage.revisions(repository)) {
        if (keptHere.contains(revision)) {
          continue;
        }
        Manifest manifest = storage.manifest(revision);
        if (manifest != null
            && manifest.subject() != null
            && keptHere.contains(manifest.subject())) {
          atRisk.add(new Referrer(repository, revision, manifest.subject()));
        }
      }
    }
    return atRisk;
  }

  /** One line naming each referrer (the first ten) and its subject. */
  static String describe(List<Referrer> referrers) {
    List<String> named = new ArrayList<>();
    for (Referrer referrer : referrers.subList(0, Math.min(10, referrers.size()))) {
      named.add(
          referrer.repository()
              + "@"
              + referrer.digest()
              + " (subject "
              + referrer.subject()
              + ")");
    }
    return String.join(", ", named) + (referrers.size() > 10 ? ", ..." : "");
  }

  /** The refusal message. */
  static String refusal(List<Referrer> referrers) {
    return "refused --delete-untagged: it would delete "
        + referrers.size()
        + " untagged referrer(s) (signatures, SBOMs, attestations) of image(s) that stay: "
        + describe(referrers)
        + "; nothing was deleted. Tag them, run without --delete-untagged, or allow it with"
        + " --delete-untagged-referrers (GcSchedule spec.deleteUntaggedReferrers: true).";
  }
}
