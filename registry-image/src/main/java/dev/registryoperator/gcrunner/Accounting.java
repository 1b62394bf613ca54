package dev.registryoperator.gcrunner;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a real run removed, measured on the storage: the blobs it could delete whose data is gone
 * (and the bytes they held, from the {@link BlobSnapshot} taken before the run), and the eligible
 * manifests whose revision link is gone.
 *
 * @param blobsDeleted blobs whose data is gone
 * @param reclaimedBytes the sum of their sizes before the run
 * @param manifestsDeleted eligible manifests whose revision link is gone
 */
public record Accounting(long blobsDeleted, long reclaimedBytes, long manifestsDeleted) {

  /**
   * @param after presence after the run (a fresh index)
   * @param before every blob's size before the run
   * @param candidates the blobs the run may delete (its eligible blobs), or null for any blob of
   *     {@code before}
   * @param eligibleManifests the manifests the run may delete
   */
  public static Accounting measure(
      StorageLayout layout,
      PresenceIndex after,
      Parallel parallel,
      BlobSnapshot before,
      Collection<String> candidates,
      List<EligibleManifest> eligibleManifests) {
    Set<String> distinct = candidates == null ? before.digests() : new LinkedHashSet<>(candidates);
    List<String> blobs = new ArrayList<>(distinct);
    Set<String> present = ConcurrentHashMap.newKeySet();
    parallel.forEachIndex(
        blobs.size(),
        i -> {
          if (!isGone(layout, after, blobs.get(i))) {
            present.add(blobs.get(i));
          }
        });
    BlobSnapshot.Reclaimed reclaimed = before.reclaimed(distinct, present::contains);
    long manifests = 0;
    for (EligibleManifest manifest : eligibleManifests) {
      if (manifest.repository() != null
          && Digests.isValid(manifest.digest())
          && !after.revision(manifest.repository(), manifest.digest()).orElse(true)) {
        manifests++;
      }
    }
    return new Accounting(reclaimed.blobs(), reclaimed.bytes(), manifests);
  }

  /** A blob is gone when its directory is; when that cannot be listed, when its data file is. */
  private static boolean isGone(StorageLayout layout, PresenceIndex after, String digest) {
    if (!Digests.isValid(digest)) {
      return false;
    }
    Optional<Boolean> present = after.blob(digest);
    if (present.isPresent() && !present.get()) {
      return true;
    }
    return BlobFiles.stat(layout.blobData(digest)) == BlobFiles.ABSENT;
  }
}
