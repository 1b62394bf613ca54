package dev.registryoperator.gcreport.retention;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What retention would delete and what it keeps, and why: the runner carries it out (or, for a dry
 * run, reports it), the operator summarizes it in a GcSchedule's status. Every list is in a fixed
 * order: repositories and tags by name, manifests by digest.
 *
 * @param repositories one plan per repository of the inventory, also those where nothing goes
 */
public record RetentionPlan(List<RepositoryPlan> repositories, Totals totals) {
  public RetentionPlan {
    repositories = List.copyOf(repositories);
  }

  /**
   * One line for a status message, such as {@code 12 tags and 9 manifests to delete (1.2 GiB); 3
   * tags protected by workloads}.
   */
  public String summary() {
    String deletes =
        totals.tagsDeleted() == 0 && totals.manifestsDeleted() == 0
            ? "nothing to delete"
            : count(totals.tagsDeleted(), "tag")
                + " and "
                + count(totals.manifestsDeleted(), "manifest")
                + " to delete ("
                + bytes(totals.bytes())
                + ")";
    if (totals.tagsProtected() == 0) {
      return deletes;
    }
    return deletes + "; " + count(totals.tagsProtected(), "tag") + " protected by workloads";
  }

  private static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /** Binary units with one decimal, as the operator's status writes bytes elsewhere. */
  private static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  /**
   * One repository's part.
   *
   * @param deletedTags every tag that goes, with or without its manifest
   * @param keptTags every tag that stays, with its reason
   * @param deletedManifests the manifests to delete by digest; deleting one removes the tags that
   *     point to it, all of them in deletedTags
   * @param keptManifests manifests that a deleted tag, a deleted index or a deleted subject pointed
   *     to, but which stay
   */
  public record RepositoryPlan(
      String repository,
      List<DeletedTag> deletedTags,
      List<KeptTag> keptTags,
      List<DeletedManifest> deletedManifests,
      List<KeptManifest> keptManifests) {
    public RepositoryPlan {
      deletedTags = List.copyOf(deletedTags);
      keptTags = List.copyOf(keptTags);
      deletedManifests = List.copyOf(deletedManifests);
      keptManifests = List.copyOf(keptManifests);
    }

    /**
     * The deleted tags whose manifest stays: they must be removed as tags alone, since deleting
     * their manifest would take the tags that keep it along.
     */
    public List<DeletedTag> tagsToUntag() {
      return deletedTags.stream().filter(DeletedTag::manifestStays).toList();
    }
  }

  /**
   * A tag that goes.
   *
   * @param rules the indexes in {@code spec.retention} of every rule that selects it, none of which
   *     keeps it
   * @param why each of those rules' reason, such as {@code rule 0: not among the 10 newest; rule 2:
   *     pushed 14d or more ago}
   * @param manifestStays true when its manifest stays (see {@link RepositoryPlan#tagsToUntag})
   */
  public record DeletedTag(
      String tag,
      String digest,
      Instant pushed,
      List<Integer> rules,
      String why,
      boolean manifestStays) {
    public DeletedTag {
      rules = List.copyOf(rules);
    }
  }

  /**
   * A tag that stays.
   *
   * @param rule the index of the rule that keeps it (the first, when several do); null for
   *     Protected, Latest and NotSelected
   * @param detail the reason in words, such as {@code among the 10 newest}
   * @param users who runs it, for Protected; empty otherwise
   */
  public record KeptTag(
      String tag,
      String digest,
      KeepReason reason,
      Integer rule,
      String detail,
      List<String> users) {
    public KeptTag {
      users = List.copyOf(users);
    }
  }

  /**
   * A manifest to delete.
   *
   * @param tags the (deleted) tags that point to it, which deleting it removes
   * @param why such as {@code only deleted tags point to it} or {@code in deleted index sha256:...}
   */
  public record DeletedManifest(String digest, List<String> tags, String why) {
    public DeletedManifest {
      tags = List.copyOf(tags);
    }
  }

  /**
   * A manifest that stays although a deleted tag, or a deleted index or subject, pointed to it.
   *
   * @param deletedTags the deleted tags that point to it, to be removed as tags alone; empty for a
   *     manifest only a deleted index or subject pointed to
   * @param reason Protected or StillReferenced
   * @param detail such as {@code tag v1.2.0 stays} or {@code in index sha256:..., which stays}
   * @param users who runs it, for Protected; empty otherwise
   */
  public record KeptManifest(
      String digest,
      List<String> deletedTags,
      KeepReason reason,
      String detail,
      List<String> users) {
    public KeptManifest {
      deletedTags = List.copyOf(deletedTags);
      users = List.copyOf(users);
    }
  }

  /**
   * The figures of the whole plan.
   *
   * @param tagsDeleted tags that go, with their manifest or alone
   * @param manifestsDeleted manifests deleted by digest
   * @param bytes what GC after retention frees: blobs (manifests included) that only deleted
   *     manifests reference, each counted once
   * @param tagsProtected tags the rules would delete but workloads run
   */
  public record Totals(int tagsDeleted, int manifestsDeleted, long bytes, int tagsProtected) {}
}
