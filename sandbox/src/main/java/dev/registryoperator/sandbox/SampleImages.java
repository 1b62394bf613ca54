package dev.registryoperator.sandbox;

import dev.registryoperator.gcrunner.testkit.ImagePusher;
import dev.registryoperator.gcrunner.testkit.ImageVerifier;
import dev.registryoperator.gcrunner.testkit.PushedImage;
import dev.registryoperator.gcrunner.testkit.RegistryClient;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A small, varied set of images pushed over the registry API with the registry-image test kit:
 * Docker schema 2 and OCI images, an OCI index and a Docker manifest list (multi-arch, untagged
 * children), and a layer shared between two repositories. {@link #deleteOld} deletes two of them
 * (by digest, as {@code crane delete} or {@code regctl} would), one of which shares its layer with
 * an image that stays.
 */
public final class SampleImages {
  private final RegistryClient client;
  private final ImagePusher pusher;
  private final List<PushedImage> kept = new ArrayList<>();
  private final List<PushedImage> deleted = new ArrayList<>();
  private PushedImage appV1;
  private PushedImage webOld;

  public SampleImages(String serviceUrl, long seed) {
    this.client = new RegistryClient(URI.create(serviceUrl));
    this.pusher = new ImagePusher(client, seed);
  }

  /** Pushes six images whose layers are {@code layerSize} bytes; returns them. */
  public List<PushedImage> push(int layerSize) throws IOException {
    byte[] shared = pusher.randomLayer(layerSize);
    appV1 =
        pusher.pushImage(
            "team/app", "v1", ImagePusher.Format.Docker, pusher.randomLayer(layerSize), shared);
    kept.add(
        pusher.pushImage(
            "team/app", "v2", ImagePusher.Format.Docker, pusher.randomLayer(layerSize), shared));
    webOld =
        pusher.pushImage(
            "team/web", "old", ImagePusher.Format.Oci, pusher.randomLayer(layerSize), shared);
    kept.add(
        pusher.pushImage(
            "team/web", "stable", ImagePusher.Format.Oci, pusher.randomLayer(layerSize)));
    kept.add(pusher.pushMultiPlatform("team/base", "latest", ImagePusher.Format.Oci, 2, layerSize));
    kept.add(
        pusher.pushMultiPlatform(
            "team/tools", "latest", ImagePusher.Format.Docker, 2, layerSize / 2));
    List<PushedImage> all = new ArrayList<>(kept);
    all.add(0, appV1);
    all.add(2, webOld);
    return all;
  }

  /** Pushes {@code count} more single-layer OCI images to {@code repository} (tags i0, i1...). */
  public List<PushedImage> pushMany(String repository, int count, int layerSize)
      throws IOException {
    List<PushedImage> images = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      images.add(
          pusher.pushImage(
              repository, "i" + i, ImagePusher.Format.Oci, pusher.randomLayer(layerSize)));
    }
    kept.addAll(images);
    return images;
  }

  /**
   * Deletes team/app:v1 and team/web:old (their manifests, by digest): their blobs become garbage.
   */
  public List<PushedImage> deleteOld() throws IOException {
    for (PushedImage image : List.of(appV1, webOld)) {
      client.deleteManifest(image.repository(), image.digest());
      deleted.add(image);
    }
    return List.copyOf(deleted);
  }

  /** Deletes the given images (by digest) and stops counting them as kept. */
  public void delete(List<PushedImage> images) throws IOException {
    for (PushedImage image : images) {
      client.deleteManifest(image.repository(), image.digest());
      kept.remove(image);
      deleted.add(image);
    }
  }

  /**
   * Blobs (manifests included) of the deleted images that no kept image references: what GC must
   * remove.
   */
  public Set<String> garbageDigests() {
    Set<String> garbage = new LinkedHashSet<>();
    deleted.forEach(d -> garbage.addAll(d.blobDigests()));
    kept.forEach(k -> garbage.removeAll(k.blobDigests()));
    return garbage;
  }

  /** Blobs of every kept image: what GC must keep. */
  public Set<String> keptDigests() {
    Set<String> digests = new LinkedHashSet<>();
    kept.forEach(k -> digests.addAll(k.blobDigests()));
    return digests;
  }

  /** Pulls every kept image and verifies every digest; returns how many images were pulled. */
  public int verifyKept() throws IOException {
    ImageVerifier verifier = new ImageVerifier(client);
    for (PushedImage image : kept) {
      verifier.pull(image);
    }
    return kept.size();
  }

  /**
   * Pulls {@code repository:tag} for each tag and verifies it (e.g. the traffic probe's pushes).
   */
  public int verifyTags(String repository, List<String> tags) throws IOException {
    ImageVerifier verifier = new ImageVerifier(client);
    for (String tag : tags) {
      verifier.pull(repository, tag, null);
    }
    return tags.size();
  }
}
