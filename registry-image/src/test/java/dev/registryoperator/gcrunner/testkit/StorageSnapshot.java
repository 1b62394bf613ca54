package dev.registryoperator.gcrunner.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The blobs in a filesystem storage, read straight from the directory tree: digest to size of its
 * {@code data} file. Compare two snapshots to learn what a garbage collection really removed.
 */
public record StorageSnapshot(Map<String, Long> blobSizes) {

  public static StorageSnapshot of(Path storageRoot) {
    Path blobs = storageRoot.resolve("docker/registry/v2/blobs");
    Map<String, Long> sizes = new TreeMap<>();
    if (Files.isDirectory(blobs)) {
      try (Stream<Path> files = Files.walk(blobs)) {
        files
            .filter(p -> p.getFileName().toString().equals("data"))
            .forEach(
                data -> {
                  Path hexDir = data.getParent();
                  String algorithm = hexDir.getParent().getParent().getFileName().toString();
                  try {
                    sizes.put(algorithm + ":" + hexDir.getFileName(), Files.size(data));
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new StorageSnapshot(sizes);
  }

  /** Blobs in {@code before} that are not in this snapshot, with their sizes. */
  public Map<String, Long> goneSince(StorageSnapshot before) {
    Map<String, Long> gone = new TreeMap<>(before.blobSizes);
    gone.keySet().removeAll(blobSizes.keySet());
    return gone;
  }

  /** Total bytes of blob data in {@code before} that is not in this snapshot. */
  public long bytesGoneSince(StorageSnapshot before) {
    return goneSince(before).values().stream().mapToLong(Long::longValue).sum();
  }

  public boolean contains(String digest) {
    return blobSizes.containsKey(digest);
  }
}
