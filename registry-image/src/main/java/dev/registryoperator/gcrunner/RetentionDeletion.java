package dev.registryoperator.gcrunner;

import dev.registryoperator.gcreport.retention.RetentionPlan;
import dev.registryoperator.gcreport.retention.RetentionPlan.DeletedManifest;
import dev.registryoperator.gcreport.retention.RetentionPlan.DeletedTag;
import dev.registryoperator.gcreport.retention.RetentionPlan.RepositoryPlan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Carries out a retention plan in the storage, as the registry's API deletes: a tag goes with its
 * folder {@code _manifests/tags/<tag>}, a manifest with its revision folder {@code
 * _manifests/revisions/<algorithm>/<hex>} (garbage-collect then frees the blobs nothing else
 * names). Every tag folder goes first, then every revision folder, so that a failure on the way
 * leaves at worst untagged manifests, never a tag whose manifest is gone.
 */
final class RetentionDeletion {
  /** The registry's tag syntax: what may become a folder name here. */
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

  /** Removes a folder of a repository's {@code _manifests} and all in it; nothing when absent. */
  @FunctionalInterface
  interface Folders {
    void remove(String repository, String folderUnderManifests) throws IOException;
  }

  /**
   * What was deleted, in the plan's order.
   *
   * @param tags as {@code repository:tag}
   * @param manifests as {@code repository@digest}
   */
  record Deleted(List<String> tags, List<String> manifests) {}

  /** Deleting stopped at a failure; {@link #deleted} is what was deleted before it. */
  static final class Failed extends Exception {
    private final transient Deleted deleted;

    Failed(Deleted deleted, IOException cause) {
      super(cause.getMessage(), cause);
      this.deleted = deleted;
    }

    Deleted deleted() {
      return deleted;
    }
  }

  private RetentionDeletion() {}

  /** Folders of a filesystem storage. */
  static Folders onFilesystem(StorageLayout layout) {
    return (repository, folder) ->
        FileTrees.delete(layout.repository(repository).resolve("_manifests/" + folder));
  }

  /** Folders of an S3 storage: the keys under them in {@code listing}, one request each. */
  static Folders onS3(S3Storage s3, S3Listing listing) {
    return (repository, folder) -> {
      for (String key : listing.keysUnder(repository, folder)) {
        s3.delete(S3Storage.ROOT + key);
      }
    };
  }

  /**
   * Deletes what {@code plan} deletes: every deleted tag's folder (with its manifest or alone),
   * then every deleted manifest's revision folder, folders side by side on {@code parallel}.
   *
   * @throws Failed at the first folder that could not be removed, after the ones under way
   */
  static Deleted apply(RetentionPlan plan, Folders folders, Parallel parallel) throws Failed {
    List<Folder> tags = new ArrayList<>();
    List<Folder> manifests = new ArrayList<>();
    for (RepositoryPlan repository : plan.repositories()) {
      String name = repository.repository();
      for (DeletedTag tag : repository.deletedTags()) {
        tags.add(
            new Folder(
                name,
                "tags/" + tag.tag(),
                name + ":" + tag.tag(),
                TAG.matcher(tag.tag()).matches()));
      }
      for (DeletedManifest manifest : repository.deletedManifests()) {
        String digest = manifest.digest();
        manifests.add(
            new Folder(
                name,
                "revisions/" + digest.replace(':', '/'),
                name + "@" + digest,
                Digests.isValid(digest)));
      }
    }
    List<String> tagsDone = new ArrayList<>();
    List<String> manifestsDone = new ArrayList<>();
    IOException failure = remove(tags, folders, parallel, tagsDone);
    if (failure == null) {
      failure = remove(manifests, folders, parallel, manifestsDone);
    }
    Deleted deleted = new Deleted(List.copyOf(tagsDone), List.copyOf(manifestsDone));
    if (failure != null) {
      throw new Failed(deleted, failure);
    }
    return deleted;
  }

  /**
   * One folder to remove.
   *
   * @param named how the log names what goes with it
   * @param safe whether its name is a tag or a digest (anything else never becomes a path)
   */
  private record Folder(String repository, String path, String named, boolean safe) {}

  /**
   * Removes the folders; after a failure, starts no other. Adds the names of those removed to
   * {@code done}, in order, and returns the first failure, or null.
   */
  private static IOException remove(
      List<Folder> todo, Folders folders, Parallel parallel, List<String> done) {
    boolean[] removed = new boolean[todo.size()];
    AtomicReference<IOException> failure = new AtomicReference<>();
    parallel.forEachIndex(
        todo.size(),
        i -> {
          if (failure.get() != null) {
            return;
          }
          Folder folder = todo.get(i);
          try {
            if (!folder.safe() || folder.repository().contains("..")) {
              throw new IOException("not a tag or digest");
            }
            folders.remove(folder.repository(), folder.path());
            removed[i] = true;
          } catch (IOException | RuntimeException e) {
            failure.compareAndSet(
                null, new IOException("cannot delete " + folder.named() + ": " + e, e));
          }
        });
    for (int i = 0; i < removed.length; i++) {
      if (removed[i]) {
        done.add(todo.get(i).named());
      }
    }
    return failure.get();
  }
}
