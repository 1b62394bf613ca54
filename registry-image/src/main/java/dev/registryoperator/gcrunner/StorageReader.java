package dev.registryoperator.gcrunner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads repositories, tags and manifests straight from a filesystem storage. Manifests are content
 * addressed, so parsed ones are cached for the life of the reader (also across the garbage
 * collection).
 */
public final class StorageReader {
  private final StorageLayout layout;
  private final Map<String, Manifest> manifests = new ConcurrentHashMap<>();

  public StorageReader(StorageLayout layout) {
    this.layout = layout;
  }

  public StorageLayout layout() {
    return layout;
  }

  /**
   * Repository names, e.g. {@code library/alpine}: directories holding a {@code _manifests}
   * directory.
   */
  public List<String> repositories() throws IOException {
    List<String> names = new ArrayList<>();
    Path root = layout.repositories();
    if (Files.isDirectory(root)) {
      collectRepositories(root, "", names);
    }
    Collections.sort(names);
    return names;
  }

  private void collectRepositories(Path dir, String name, List<String> names) throws IOException {
    List<Path> children = new ArrayList<>();
    boolean isRepository = false;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String child = entry.getFileName().toString();
        if (child.equals("_manifests")) {
          isRepository = true;
        } else if (!child.startsWith("_") && Files.isDirectory(entry)) {
          children.add(entry);
        }
      }
    }
    if (isRepository && !name.isEmpty()) {
      names.add(name);
    }
    for (Path child : children) {
      String childName = child.getFileName().toString();
      collectRepositories(child, name.isEmpty() ? childName : name + "/" + childName, names);
    }
  }

  /** The repository's tags that have a current link, sorted by tag. */
  public List<TaggedManifest> tags(String repository) throws IOException {
    List<TaggedManifest> tags = new ArrayList<>();
    Path dir = layout.tags(repository);
    if (!Files.isDirectory(dir)) {
      return tags;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String tag = entry.getFileName().toString();
        String digest = readLink(layout.currentTagLink(repository, tag));
        if (digest != null) {
          tags.add(new TaggedManifest(repository, tag, digest));
        }
      }
    }
    tags.sort((a, b) -> a.tag().compareTo(b.tag()));
    return tags;
  }

  /**
   * Whether the repository has the manifest as a revision: its {@code
   * _manifests/revisions/<algorithm>/<hex>/link} file exists (deleting a manifest through the API
   * removes that file, and garbage collection enumerates revisions by it).
   */
  public boolean hasRevision(String repository, String digest) {
    return Files.exists(layout.revisionLink(repository, digest));
  }

  /** The digest in a link file, or null when the file does not exist. */
  public static String readLink(Path link) throws IOException {
    try {
      return new String(Files.readAllBytes(link), StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * The parsed manifest stored as blob {@code digest}, or null when its data file does not exist.
   */
  public Manifest manifest(String digest) throws IOException {
    Manifest cached = manifests.get(digest);
    if (cached != null) {
      return cached;
    }
    byte[] data;
    try {
      data = Files.readAllBytes(layout.blobData(digest));
    } catch (NoSuchFileException e) {
      return null;
    }
    Manifest manifest = Manifest.parse(data);
    manifests.put(digest, manifest);
    return manifest;
  }
}
