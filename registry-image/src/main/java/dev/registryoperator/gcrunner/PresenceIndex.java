package dev.registryoperator.gcrunner;

import java.io.File;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which blobs, revision links and layer links exist. Garbage collection deletes a blob and a
 * manifest revision by removing its whole directory ({@code blobs/sha256/<xx>/<hex>}, {@code
 * _manifests/revisions/sha256/<hex>}), so those are answered from directory listings (one {@code
 * readdir} per parent directory instead of one {@code stat} per entry). Registry 3.x deletes layer
 * links file by file ({@code _layers/sha256/<hex>/link}): those are statted. Listings are read
 * once: make a new index after the storage changed. Paths are built as strings: this runs for every
 * blob and reference, mostly before the JIT compiler has seen it.
 */
public final class PresenceIndex implements Presence {
  private final String blobs;
  private final String repositories;
  private final Map<String, Optional<Set<String>>> listings = new ConcurrentHashMap<>();

  public PresenceIndex(StorageLayout layout) {
    this.blobs = layout.blobs().toString();
    this.repositories = layout.repositories().toString();
  }

  /**
   * Whether blob {@code digest}'s directory exists; empty when its parent could not be listed.
   *
   * @throws IllegalArgumentException when {@code digest} is not a digest
   */
  @Override
  public Optional<Boolean> blob(String digest) {
    int colon = colon(digest);
    String hex = digest.substring(colon + 1);
    return contains(blobs + '/' + digest.substring(0, colon) + '/' + hex.substring(0, 2), hex);
  }

  /** Whether the revision directory exists; empty when its parent could not be listed. */
  @Override
  public Optional<Boolean> revision(String repository, String digest) {
    int colon = colon(digest);
    return contains(
        repositories + '/' + repository + "/_manifests/revisions/" + digest.substring(0, colon),
        digest.substring(colon + 1));
  }

  /** Whether the layer link file exists; empty when it could not be examined. */
  @Override
  public Optional<Boolean> layer(String repository, String digest) {
    int colon = colon(digest);
    long stat =
        BlobFiles.stat(
            new File(
                repositories
                    + '/'
                    + repository
                    + "/_layers/"
                    + digest.substring(0, colon)
                    + '/'
                    + digest.substring(colon + 1)
                    + "/link"));
    return stat == BlobFiles.UNREADABLE ? Optional.empty() : Optional.of(stat != BlobFiles.ABSENT);
  }

  private static int colon(String digest) {
    if (!Digests.isValid(digest)) {
      throw new IllegalArgumentException("not a digest: " + digest);
    }
    return digest.indexOf(':');
  }

  private Optional<Boolean> contains(String dir, String name) {
    Optional<Set<String>> names = listings.computeIfAbsent(dir, PresenceIndex::list);
    return names.map(set -> set.contains(name));
  }

  private static Optional<Set<String>> list(String path) {
    File dir = new File(path);
    String[] names = dir.list();
    if (names == null) {
      // Not there (nothing in it exists), or not readable (unknown).
      return dir.exists() ? Optional.empty() : Optional.of(Set.of());
    }
    return Optional.of(new HashSet<>(List.of(names)));
  }
}
