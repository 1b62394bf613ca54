package dev.registryoperator.gcrunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Repositories left with no tag and no manifest after a collection: the registry's {@code _catalog}
 * still lists them (it lists every folder with layer links) until their folders go. Pruning removes
 * a repository's {@code _manifests} and {@code _layers} (the links, never a blob) and, on a
 * filesystem, the folders left empty. A repository with an upload in progress is left alone: a
 * client may resume it after the window.
 */
final class EmptyRepositories {
  private static final String MANIFESTS = "_manifests";
  private static final String LAYERS = "_layers";
  private static final String UPLOADS = "_uploads";

  private EmptyRepositories() {}

  /** Prunes the empty repositories of a filesystem storage; returns their names, sorted. */
  static List<String> pruneOnFilesystem(StorageLayout layout) throws IOException {
    List<String> pruned = new ArrayList<>();
    Path root = layout.repositories();
    if (Files.isDirectory(root)) {
      prune(layout, root, "", pruned);
    }
    pruned.sort(null);
    return pruned;
  }

  private static void prune(StorageLayout layout, Path dir, String name, List<String> pruned)
      throws IOException {
    List<Path> children = new ArrayList<>();
    boolean repository = false;
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : entries.toList()) {
        String child = entry.getFileName().toString();
        if (child.equals(MANIFESTS) || child.equals(LAYERS)) {
          repository = true;
        } else if (!child.startsWith("_") && Files.isDirectory(entry)) {
          children.add(entry);
        }
      }
    }
    for (Path child : children) {
      String childName = child.getFileName().toString();
      prune(layout, child, name.isEmpty() ? childName : name + "/" + childName, pruned);
    }
    if (!repository || name.isEmpty() || !isEmptyOnFilesystem(layout, dir, name)) {
      return;
    }
    FileTrees.delete(dir.resolve(MANIFESTS));
    FileTrees.delete(dir.resolve(LAYERS));
    FileTrees.delete(dir.resolve(UPLOADS)); // only an empty one is left here
    pruned.add(name);
    // the repository's folder and its parents, as long as nothing else is in them
    for (Path folder = dir; !folder.equals(layout.repositories()); folder = folder.getParent()) {
      String[] left = folder.toFile().list();
      if (left == null || left.length > 0) {
        break;
      }
      Files.delete(folder);
    }
  }

  private static boolean isEmptyOnFilesystem(StorageLayout layout, Path dir, String name)
      throws IOException {
    StorageReader reader = new StorageReader(layout);
    String[] uploads = dir.resolve(UPLOADS).toFile().list();
    return reader.tags(name).isEmpty()
        && reader.revisions(name).isEmpty()
        && (uploads == null || uploads.length == 0);
  }

  /**
   * The empty repositories of an S3 storage and their keys (relative to the storage's root), from a
   * listing of its keys (relative to {@code docker/registry/v2/}).
   */
  static Map<String, List<String>> emptyOnS3(Collection<String> keys) {
    Map<String, List<String>> byRepository = new TreeMap<>();
    Map<String, Boolean> inUse = new TreeMap<>();
    for (String key : keys) {
      if (!key.startsWith("repositories/")) {
        continue;
      }
      String path = key.substring("repositories/".length());
      int underscore = path.indexOf("/_");
      if (underscore <= 0) {
        continue;
      }
      String repository = path.substring(0, underscore);
      String rest = path.substring(underscore + 1);
      byRepository.computeIfAbsent(repository, r -> new ArrayList<>()).add(key);
      boolean used =
          rest.startsWith(UPLOADS + "/")
              || (rest.startsWith(MANIFESTS + "/tags/") && rest.endsWith("/current/link"))
              || (rest.startsWith(MANIFESTS + "/revisions/") && rest.endsWith("/link"));
      inUse.merge(repository, used, Boolean::logicalOr);
    }
    byRepository.keySet().removeIf(inUse::get);
    return byRepository;
  }

  /** Prunes the empty repositories of an S3 storage; returns their names, sorted. */
  static List<String> pruneOnS3(S3Storage s3, Set<String> keys, Parallel requests)
      throws IOException {
    Map<String, List<String>> empty = emptyOnS3(keys);
    List<String> doomed = empty.values().stream().flatMap(List::stream).toList();
    try {
      requests.forEachIndex(
          doomed.size(),
          i -> {
            try {
              s3.delete(S3Storage.ROOT + doomed.get(i));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return new ArrayList<>(empty.keySet());
  }
}
