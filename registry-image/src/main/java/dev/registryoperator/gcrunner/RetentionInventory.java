package dev.registryoperator.gcrunner;

import dev.registryoperator.gcreport.retention.Inventory;
import dev.registryoperator.gcreport.retention.Inventory.Repository;
import dev.registryoperator.gcreport.retention.Inventory.Tag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads what a retention decision needs from the registry's storage, filesystem or S3, into an
 * {@link Inventory}: every repository, its tags with their push times, its manifest revisions with
 * what they name, and the size of every blob those name. Reads only: the Pruning step runs it on a
 * read-only mount while the registry serves.
 */
final class RetentionInventory {
  /** When a tag was last pushed; null when it is gone since its link was read. */
  @FunctionalInterface
  interface PushTimes {
    Instant of(String repository, String tag) throws IOException;
  }

  /** The sizes of blobs' data, by digest; a blob that is not there is left out. */
  @FunctionalInterface
  interface BlobSizes {
    Map<String, Long> of(Collection<String> digests) throws IOException;
  }

  private RetentionInventory() {}

  /**
   * A filesystem storage: a tag's push time is the modification time of its {@code current/link}
   * (the registry writes it on every push of the tag); sizes are the blobs' data files, statted.
   */
  static Inventory ofFilesystem(StorageReader storage, Parallel parallel) throws IOException {
    BlobFiles files = new BlobFiles(storage.layout(), parallel);
    return read(
        storage,
        (repository, tag) -> {
          try {
            return Files.getLastModifiedTime(storage.layout().currentTagLink(repository, tag))
                .toInstant();
          } catch (NoSuchFileException e) {
            return null; // deleted meanwhile, through the API of a registry that still serves
          }
        },
        digests -> {
          List<String> list = List.copyOf(digests);
          long[] sizes = files.stat(list);
          Map<String, Long> found = new HashMap<>();
          for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] >= 0) {
              found.put(list.get(i), sizes[i]);
            } else if (sizes[i] == BlobFiles.UNREADABLE) {
              throw new IOException("cannot stat the data of blob " + list.get(i));
            }
          }
          return found;
        },
        parallel);
  }

  /**
   * An S3 storage: a tag's push time is the LastModified of its {@code current/link} in {@code
   * repositories}, a listing {@link S3Listing#ofRepositoriesWithTimes with times}; sizes come from
   * the listing of the blobs.
   */
  static Inventory ofS3(S3Listing repositories, BlobSnapshot blobs, Parallel requests)
      throws IOException {
    return read(
        repositories,
        repositories::tagPushed,
        digests -> {
          Map<String, Long> found = new HashMap<>();
          for (String digest : digests) {
            long size = blobs.size(digest);
            if (size >= 0) {
              found.put(digest, size);
            }
          }
          return found;
        },
        requests);
  }

  /**
   * Every repository of {@code storage}: the tags and revisions of each, repositories side by side,
   * then every distinct revision's manifest, side by side too (on S3 each is a request). A revision
   * whose manifest data is missing is left out (the decision then knows nothing it names); one that
   * cannot be read or parsed fails the read, since what it names could be lost.
   */
  static Inventory read(StorageView storage, PushTimes pushed, BlobSizes sizes, Parallel parallel)
      throws IOException {
    List<String> names = storage.repositories();
    Listed[] listed = new Listed[names.size()];
    inParallel(parallel, names.size(), i -> listed[i] = list(storage, pushed, names.get(i)));
    Set<String> revisions = new LinkedHashSet<>();
    for (Listed repository : listed) {
      revisions.addAll(repository.revisions());
    }
    List<String> digests = List.copyOf(revisions);
    Manifest[] parsed = new Manifest[digests.size()];
    inParallel(parallel, digests.size(), i -> parsed[i] = manifest(storage, digests.get(i)));
    Map<String, Manifest> manifests = new HashMap<>();
    Set<String> blobs = new LinkedHashSet<>();
    for (int i = 0; i < parsed.length; i++) {
      if (parsed[i] != null) {
        manifests.put(digests.get(i), parsed[i]);
        blobs.add(digests.get(i));
        blobs.addAll(parsed[i].blobs());
      }
    }
    for (Listed repository : listed) {
      repository.tags().forEach(t -> blobs.add(t.digest()));
    }
    Map<String, Long> blobSizes = sizes.of(blobs);
    List<Repository> repositories = new ArrayList<>();
    for (int i = 0; i < listed.length; i++) {
      Map<String, Inventory.Manifest> held = new LinkedHashMap<>();
      for (String digest : listed[i].revisions()) {
        Manifest m = manifests.get(digest);
        if (m != null) {
          long size = blobSizes.getOrDefault(digest, 0L);
          held.put(digest, new Inventory.Manifest(m.manifests(), m.subject(), m.blobs(), size));
        }
      }
      repositories.add(new Repository(names.get(i), listed[i].tags(), held));
    }
    return new Inventory(repositories, blobSizes);
  }

  /** One repository as listed: its tags with their push times, and its revisions' digests. */
  private record Listed(List<Tag> tags, List<String> revisions) {}

  private static Listed list(StorageView storage, PushTimes pushed, String repository)
      throws IOException {
    List<Tag> tags = new ArrayList<>();
    for (TaggedManifest tag : storage.tags(repository)) {
      // a link that holds no digest names nothing to keep or delete
      Instant time = Digests.isValid(tag.digest()) ? pushed.of(repository, tag.tag()) : null;
      if (time != null) {
        tags.add(new Tag(tag.tag(), tag.digest(), time));
      }
    }
    return new Listed(tags, storage.revisions(repository));
  }

  private static Manifest manifest(StorageView storage, String digest) throws IOException {
    try {
      return storage.manifest(digest);
    } catch (IOException e) {
      throw new IOException("cannot read manifest " + digest + ": " + e, e);
    }
  }

  /** A step for each index that may fail with an IOException. */
  @FunctionalInterface
  private interface Step {
    void run(int index) throws IOException;
  }

  /** {@link Parallel#forEachIndex} of a step that reads; the first failure is thrown. */
  private static void inParallel(Parallel parallel, int count, Step step) throws IOException {
    try {
      parallel.forEachIndex(
          count,
          i -> {
            try {
              step.run(i);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
