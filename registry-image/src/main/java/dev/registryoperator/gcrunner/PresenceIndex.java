package dev.registryoperator.gcrunner;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
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
 * once: make a new index after the storage changed.
 */
public final class PresenceIndex {
  private final StorageLayout layout;
  private final Map<Path, Optional<Set<String>>> listings = new ConcurrentHashMap<>();

  public PresenceIndex(StorageLayout layout) {
    this.layout = layout;
  }

  /** Whether blob {@code digest}'s directory exists; empty when its parent could not be listed. */
  public Optional<Boolean> blob(String digest) {
    return contains(layout.blobData(digest).getParent());
  }

  public Optional<Boolean> revision(String repository, String digest) {
    return contains(layout.revisionLink(repository, digest).getParent());
  }

  public Optional<Boolean> layer(String repository, String digest) {
    long stat = BlobFiles.stat(layout.layerLink(repository, digest));
    return stat == BlobFiles.UNREADABLE ? Optional.empty() : Optional.of(stat != BlobFiles.ABSENT);
  }

  private Optional<Boolean> contains(Path entry) {
    Optional<Set<String>> names = listings.computeIfAbsent(entry.getParent(), PresenceIndex::list);
    return names.map(set -> set.contains(entry.getFileName().toString()));
  }

  private static Optional<Set<String>> list(Path dir) {
    Set<String> names = new HashSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        names.add(entry.getFileName().toString());
      }
      return Optional.of(names);
    } catch (NoSuchFileException e) {
      return Optional.of(Set.of());
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }
}
