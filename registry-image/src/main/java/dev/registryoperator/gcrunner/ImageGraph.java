package dev.registryoperator.gcrunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Every tag of every repository of a filesystem storage, with what its manifest references. */
public final class ImageGraph {
  private final List<TaggedImage> images;

  private ImageGraph(List<TaggedImage> images) {
    this.images = images;
  }

  public static ImageGraph read(StorageView reader, Parallel parallel) throws IOException {
    List<String> repositories = reader.repositories();
    List<List<TaggedManifest>> tagsByRepository = new ArrayList<>();
    for (int i = 0; i < repositories.size(); i++) {
      tagsByRepository.add(null);
    }
    try {
      parallel.forEachIndex(
          repositories.size(),
          i -> {
            try {
              tagsByRepository.set(i, reader.tags(repositories.get(i)));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    List<TaggedManifest> tags = tagsByRepository.stream().flatMap(List::stream).toList();
    TaggedImage[] images = new TaggedImage[tags.size()];
    parallel.forEachIndex(tags.size(), i -> images[i] = walk(reader, tags.get(i)));
    return new ImageGraph(List.of(images));
  }

  private static TaggedImage walk(StorageView reader, TaggedManifest tag) {
    Set<String> children = new LinkedHashSet<>();
    Set<String> blobs = new LinkedHashSet<>();
    Set<String> unreadable = new LinkedHashSet<>();
    Manifest root = visit(reader, tag.digest(), children, blobs, unreadable);
    return new TaggedImage(tag, root != null && root.isIndex(), children, blobs, unreadable);
  }

  private static Manifest visit(
      StorageView reader,
      String digest,
      Set<String> children,
      Set<String> blobs,
      Set<String> unreadable) {
    Manifest manifest;
    try {
      manifest = reader.manifest(digest);
    } catch (IOException | RuntimeException e) {
      unreadable.add(digest);
      return null;
    }
    if (manifest == null) {
      return null; // absent: the integrity check reports it
    }
    blobs.addAll(manifest.blobs());
    for (String child : manifest.manifests()) {
      if (children.add(child)) {
        visit(reader, child, children, blobs, unreadable);
      }
    }
    return manifest;
  }

  public List<TaggedImage> images() {
    return images;
  }

  /**
   * The manifests that {@code garbage-collect --delete-untagged} of a registry before 3.0 would
   * delete although a tagged index or manifest list needs them: its untagged children that are
   * revisions of the repository.
   */
  public List<EligibleManifest> childrenAtRisk(StorageView reader) {
    List<EligibleManifest> atRisk = new ArrayList<>();
    for (EligibleManifest child :
        SafetyCheck.untaggedChildren(protectedChildren(), taggedDigests())) {
      if (Digests.isValid(child.digest())
          && reader.hasRevision(child.repository(), child.digest())) {
        atRisk.add(child);
      }
    }
    return atRisk;
  }

  /** Per repository, the digests its tags point to. */
  public Map<String, Set<String>> taggedDigests() {
    Map<String, Set<String>> result = new LinkedHashMap<>();
    for (TaggedImage image : images) {
      result
          .computeIfAbsent(image.tag().repository(), r -> new LinkedHashSet<>())
          .add(image.tag().digest());
    }
    return result;
  }

  /**
   * Per repository, the manifests its tags keep: the tagged ones and, at any depth, the children of
   * tagged indexes.
   */
  public Map<String, Set<String>> keptManifests() {
    Map<String, Set<String>> result = new LinkedHashMap<>();
    for (TaggedImage image : images) {
      Set<String> kept =
          result.computeIfAbsent(image.tag().repository(), r -> new LinkedHashSet<>());
      kept.add(image.tag().digest());
      kept.addAll(image.childManifests());
    }
    return result;
  }

  /** Per repository, per tagged index or manifest list ({@code repo:tag}), its child manifests. */
  public Map<String, Map<String, Set<String>>> protectedChildren() {
    Map<String, Map<String, Set<String>>> result = new LinkedHashMap<>();
    for (TaggedImage image : images) {
      if (image.index() && !image.childManifests().isEmpty()) {
        result
            .computeIfAbsent(image.tag().repository(), r -> new LinkedHashMap<>())
            .put(image.tag().reference(), image.childManifests());
      }
    }
    return result;
  }
}
