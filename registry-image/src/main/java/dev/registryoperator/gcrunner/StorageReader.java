package dev.registryoperator.gcrunner;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
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
public final class StorageReader implements StorageView {
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
  @Override
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
  @Override
  public List<TaggedManifest> tags(String repository) throws IOException {
    List<TaggedManifest> tags = new ArrayList<>();
    File dir = layout.tags(repository).toFile();
    String[] names = dir.list();
    if (names == null) {
      if (dir.isDirectory()) {
        throw new IOException("cannot list " + dir);
      }
      return tags;
    }
    for (String tag : names) {
      String digest = readLink(new File(dir, tag + "/current/link"));
      if (digest != null) {
        tags.add(new TaggedManifest(repository, tag, digest));
      }
    }
    tags.sort((a, b) -> a.tag().compareTo(b.tag()));
    return tags;
  }

  /** The digest in a link file, or null when the file does not exist. */
  public static String readLink(Path link) throws IOException {
    return readLink(link.toFile());
  }

  /** The digest in a link file, or null when the file does not exist. */
  public static String readLink(File link) throws IOException {
    byte[] data = read(link);
    return data == null ? null : new String(data, StandardCharsets.UTF_8).strip();
  }

  /** The file's bytes, or null when it does not exist (java.io: fewer syscalls than NIO's). */
  private static byte[] read(File file) throws IOException {
    try (FileInputStream in = new FileInputStream(file)) {
      return in.readAllBytes();
    } catch (FileNotFoundException e) {
      if (!file.exists()) {
        return null;
      }
      throw e;
    }
  }

  @Override
  public List<String> revisions(String repository) throws IOException {
    List<String> digests = new ArrayList<>();
    File root = layout.revisions(repository).toFile();
    String[] algorithms = root.list();
    if (algorithms == null) {
      if (root.isDirectory()) {
        throw new IOException("cannot list " + root);
      }
      return digests;
    }
    for (String algorithm : algorithms) {
      String[] hexes = new File(root, algorithm).list();
      if (hexes == null) {
        continue; // not a folder
      }
      for (String hex : hexes) {
        String digest = algorithm + ":" + hex;
        if (Digests.isValid(digest) && new File(root, algorithm + "/" + hex + "/link").isFile()) {
          digests.add(digest);
        }
      }
    }
    Collections.sort(digests);
    return digests;
  }

  /**
   * Whether the repository has the manifest as a revision: its {@code
   * _manifests/revisions/<algorithm>/<hex>/link} file exists (deleting a manifest through the API
   * removes that file, and garbage collection enumerates revisions by it).
   */
  @Override
  public boolean hasRevision(String repository, String digest) {
    return Files.exists(layout.revisionLink(repository, digest));
  }

  /**
   * The parsed manifest stored as blob {@code digest}, or null when its data file does not exist.
   */
  @Override
  public Manifest manifest(String digest) throws IOException {
    Manifest cached = manifests.get(digest);
    if (cached != null) {
      return cached;
    }
    byte[] data = read(layout.blobDataFile(digest));
    if (data == null) {
      return null;
    }
    Manifest manifest = Manifest.parse(data);
    manifests.put(digest, manifest);
    return manifest;
  }
}
