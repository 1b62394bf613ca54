package dev.registryoperator.gcrunner.testkit;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An image pushed by {@link ImagePusher}: a manifest with its config and layers, or an index
 * (manifest list) with its children.
 *
 * @param tag null when pushed by digest only (untagged)
 */
public record PushedImage(
    String repository,
    String tag,
    Descriptor manifest,
    Descriptor config,
    List<Descriptor> layers,
    List<PushedImage> children) {

  public String digest() {
    return manifest.digest();
  }

  /** {@code repo:tag}, or {@code repo@digest} when untagged. */
  public String reference() {
    return tag == null ? repository + "@" + digest() : repository + ":" + tag;
  }

  public boolean isIndex() {
    return !children.isEmpty();
  }

  /** Every blob digest of this image: manifest, config, layers, and the same for each child. */
  public Set<String> blobDigests() {
    Set<String> digests = new LinkedHashSet<>();
    digests.add(manifest.digest());
    if (config != null) {
      digests.add(config.digest());
    }
    layers.forEach(layer -> digests.add(layer.digest()));
    children.forEach(child -> digests.addAll(child.blobDigests()));
    return digests;
  }
}
