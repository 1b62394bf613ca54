package dev.registryoperator.gcreport.retention;

import dev.registryoperator.gcreport.retention.Inventory.Manifest;
import dev.registryoperator.gcreport.retention.Inventory.Repository;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What GC after retention would free. Blobs are stored once for the whole registry, and GC keeps
 * every blob that any manifest revision left in any repository names, so a blob is freed only when
 * every manifest naming it, in every repository, is deleted. A manifest is a blob itself.
 */
final class FreedBytes {
  private FreedBytes() {}

  /**
   * The bytes of the blobs only the deleted manifests name, each counted once; a blob of unknown
   * size counts 0.
   *
   * @param deleted the digests of the manifests to delete, by repository name
   */
  static long of(Inventory inventory, Map<String, Set<String>> deleted) {
    Set<String> freed = new HashSet<>();
    Set<String> kept = new HashSet<>();
    Map<String, Long> sizes = new HashMap<>(inventory.blobSizes());
    for (Repository repository : inventory.repositories()) {
      Set<String> gone = deleted.getOrDefault(repository.name(), Set.of());
      Set<String> manifests = new HashSet<>(repository.manifests().keySet());
      repository.tags().forEach(t -> manifests.add(t.digest()));
      for (String digest : manifests) {
        Manifest manifest = repository.manifest(digest);
        Set<String> blobs = gone.contains(digest) ? freed : kept;
        blobs.add(digest);
        blobs.addAll(manifest.blobs());
        if (manifest != Manifest.UNKNOWN) {
          sizes.putIfAbsent(digest, manifest.size());
        }
      }
    }
    freed.removeAll(kept);
    return freed.stream().mapToLong(d -> sizes.getOrDefault(d, 0L)).sum();
  }
}
