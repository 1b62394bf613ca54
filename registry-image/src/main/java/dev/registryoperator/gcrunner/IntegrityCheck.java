package dev.registryoperator.gcrunner;

import dev.registryoperator.gcreport.IntegrityResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Proves that nothing referenced was lost: every tagged manifest, each child of a tagged index or
 * manifest list, and every config and layer blob they reference is still in storage, and still
 * reachable through its repository (the manifest's revision link, the blob's layer link), as a pull
 * needs. Presence is read from directory listings ({@link PresenceIndex}); a listing that cannot be
 * read counts its entries as missing.
 */
public final class IntegrityCheck {
  /** How many missing references the result names. */
  public static final int MAX_NAMED = 10;

  private record Reference(String repository, String digest, boolean manifest) {
    String name() {
      return repository + "@" + digest;
    }

    // Written out: the generated ones are bootstrapped at run time, a cost paid once per run.
    @Override
    public boolean equals(Object other) {
      return other instanceof Reference that
          && manifest == that.manifest
          && digest.equals(that.digest)
          && repository.equals(that.repository);
    }

    @Override
    public int hashCode() {
      return (repository.hashCode() * 31 + digest.hashCode()) * 31 + (manifest ? 1 : 0);
    }
  }

  private final StorageLayout layout;
  private final Parallel parallel;

  public IntegrityCheck(StorageLayout layout, Parallel parallel) {
    this.layout = layout;
    this.parallel = parallel;
  }

  public IntegrityResult check(ImageGraph graph) {
    return check(graph, new PresenceIndex(layout));
  }

  /**
   * @param index presence read after the run (its listings may already be shared with the
   *     accounting)
   */
  public IntegrityResult check(ImageGraph graph, Presence index) {
    Set<Reference> references = new LinkedHashSet<>();
    Set<String> unreadable = new LinkedHashSet<>();
    for (TaggedImage image : graph.images()) {
      String repository = image.tag().repository();
      references.add(new Reference(repository, image.tag().digest(), true));
      image
          .childManifests()
          .forEach(child -> references.add(new Reference(repository, child, true)));
      image.blobs().forEach(blob -> references.add(new Reference(repository, blob, false)));
      image.unreadable().forEach(digest -> unreadable.add(repository + "@" + digest));
    }
    List<Reference> all = new ArrayList<>(references);
    boolean[] present = new boolean[all.size()];
    parallel.forEachIndex(all.size(), i -> present[i] = isPresent(index, all.get(i)));

    List<String> missing = new ArrayList<>(unreadable);
    long manifests = 0;
    for (int i = 0; i < all.size(); i++) {
      Reference reference = all.get(i);
      if (reference.manifest()) {
        manifests++;
      }
      if (!present[i] && !unreadable.contains(reference.name())) {
        missing.add(reference.name());
      }
    }
    return new IntegrityResult(
        true,
        manifests,
        all.size() - manifests,
        missing.size(),
        List.copyOf(missing.subList(0, Math.min(MAX_NAMED, missing.size()))));
  }

  private static boolean isPresent(Presence index, Reference reference) {
    try {
      var link =
          reference.manifest()
              ? index.revision(reference.repository(), reference.digest())
              : index.layer(reference.repository(), reference.digest());
      return link.orElse(false) && index.blob(reference.digest()).orElse(false);
    } catch (IllegalArgumentException e) {
      return false; // not a digest: cannot be in storage
    }
  }
}
