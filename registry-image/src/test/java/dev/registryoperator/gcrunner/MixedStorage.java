package dev.registryoperator.gcrunner;

import dev.registryoperator.gcrunner.testkit.ImagePusher;
import dev.registryoperator.gcrunner.testkit.ImagePusher.Format;
import dev.registryoperator.gcrunner.testkit.PushedImage;
import dev.registryoperator.gcrunner.testkit.RegistryClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A storage with a bit of everything, pushed over the HTTP API: Docker schema 2 and OCI images, a
 * layer shared between two repositories, an OCI index and a Docker manifest list with untagged
 * children, a moved tag, an untagged manifest, and deleted manifests (one sharing a layer with
 * survivors).
 */
final class MixedStorage {
  /** Still tagged after the deletions: must survive any GC, children included. */
  final List<PushedImage> tagged = new ArrayList<>();

  /**
   * Untagged plain manifests (a moved tag, a push by digest): survive a GC without
   * --delete-untagged.
   */
  final List<PushedImage> untagged = new ArrayList<>();

  /** Deleted through the API: their blobs that nothing else uses are garbage. */
  final List<PushedImage> deleted = new ArrayList<>();

  /** The layer shared by team/app and team/web, also used by a deleted image. */
  String sharedLayer;

  static MixedStorage push(RegistryClient client) throws IOException {
    MixedStorage storage = new MixedStorage();
    ImagePusher pusher = new ImagePusher(client, 7);
    byte[] shared = pusher.randomLayer(16 * 1024);

    storage.tagged.add(
        pusher.pushImage("team/app", "v1", Format.Docker, shared, pusher.randomLayer(8 * 1024)));
    storage.tagged.add(
        pusher.pushImage("team/app", "v2", Format.Oci, shared, pusher.randomLayer(9 * 1024)));
    PushedImage old =
        pusher.pushImage("team/app", "old", Format.Docker, shared, pusher.randomLayer(10 * 1024));
    storage.untagged.add(pusher.pushImage("team/app", null, Format.Oci, 3 * 1024));
    storage.untagged.add(pusher.pushImage("team/app", "latest", Format.Docker, 4 * 1024));
    storage.tagged.add(pusher.pushImage("team/app", "latest", Format.Docker, 5 * 1024));

    storage.tagged.add(
        pusher.pushImage("team/web", "v1", Format.Oci, shared, pusher.randomLayer(6 * 1024)));
    PushedImage web = pusher.pushImage("team/web", "gone", Format.Oci, 7 * 1024);

    storage.tagged.add(pusher.pushMultiPlatform("multi", "latest", Format.Oci, 2, 2 * 1024));
    storage.tagged.add(pusher.pushMultiPlatform("multi", "list", Format.Docker, 2, 2 * 1024));

    PushedImage solo = pusher.pushImage("solo", "only", Format.Docker, 11 * 1024);

    for (PushedImage image : List.of(old, web, solo)) {
      client.deleteManifest(image.repository(), image.digest());
      storage.deleted.add(image);
    }
    storage.sharedLayer = old.layers().get(0).digest();
    return storage;
  }

  /** Blobs of deleted images that nothing still present (tagged or untagged) uses. */
  Set<String> garbage() {
    Set<String> garbage = new LinkedHashSet<>();
    deleted.forEach(image -> garbage.addAll(image.blobDigests()));
    tagged.forEach(image -> garbage.removeAll(image.blobDigests()));
    untagged.forEach(image -> garbage.removeAll(image.blobDigests()));
    return garbage;
  }

  /**
   * Distinct (repository, manifest) pairs reachable from tags: tagged manifests and index children.
   */
  int taggedManifestReferences() {
    Set<String> references = new LinkedHashSet<>();
    for (PushedImage image : tagged) {
      references.add(image.repository() + "@" + image.digest());
      image.children().forEach(child -> references.add(image.repository() + "@" + child.digest()));
    }
    return references.size();
  }

  /** Distinct (repository, config or layer) pairs reachable from tags. */
  int taggedBlobReferences() {
    Set<String> references = new LinkedHashSet<>();
    for (PushedImage image : tagged) {
      List<PushedImage> manifests = image.isIndex() ? image.children() : List.of(image);
      for (PushedImage manifest : manifests) {
        references.add(image.repository() + "@" + manifest.config().digest());
        manifest
            .layers()
            .forEach(layer -> references.add(image.repository() + "@" + layer.digest()));
      }
    }
    return references.size();
  }
}
