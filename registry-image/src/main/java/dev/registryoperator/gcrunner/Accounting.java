package dev.registryoperator.gcrunner;

import java.util.List;
import java.util.Optional;

/**
 * What a real run removed, measured on the storage: the eligible blobs whose data is gone (and the
 * bytes they held, from the sizes taken before the run), and the eligible manifests whose revision
 * link is gone.
 *
 * @param blobsDeleted eligible blobs whose data is gone
 * @param reclaimedBytes the sum of their sizes
 * @param manifestsDeleted eligible manifests whose revision link is gone
 */
public record Accounting(long blobsDeleted, long reclaimedBytes, long manifestsDeleted) {

  /**
   * @param eligibleBlobs the preflight's eligible blobs
   * @param sizes their sizes before the run ({@link BlobFiles#stat}), index for index
   */
  public static Accounting measure(
      StorageLayout layout,
      Parallel parallel,
      List<String> eligibleBlobs,
      long[] sizes,
      List<EligibleManifest> eligibleManifests) {
    PresenceIndex after = new PresenceIndex(layout);
    boolean[] gone = new boolean[eligibleBlobs.size()];
    parallel.forEachIndex(
        eligibleBlobs.size(), i -> gone[i] = isGone(layout, after, eligibleBlobs.get(i)));
    long deleted = 0;
    long bytes = 0;
    for (int i = 0; i < gone.length; i++) {
      if (gone[i] && sizes[i] >= 0) {
        deleted++;
        bytes += sizes[i];
      }
    }
    long manifests = 0;
    for (EligibleManifest manifest : eligibleManifests) {
      if (manifest.repository() != null
          && Digests.isValid(manifest.digest())
          && !after.revision(manifest.repository(), manifest.digest()).orElse(true)) {
        manifests++;
      }
    }
    return new Accounting(deleted, bytes, manifests);
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
