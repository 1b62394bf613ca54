package dev.registryoperator.gcrunner.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds and pushes Docker schema 2 and OCI images, OCI indexes and Docker manifest lists over the
 * registry API. Layers are random bytes; pass the same bytes to several images to share a layer
 * (also across repositories).
 */
public final class ImagePusher {
  /** Docker schema 2 (manifest, manifest list) or OCI (image manifest, index). */
  public enum Format {
    Docker,
    Oci
  }

  private static final String[] PLATFORMS = {"amd64", "arm64", "s390x", "ppc64le", "riscv64"};

  private final RegistryClient client;
  private final Random random;
  private final AtomicInteger counter = new AtomicInteger();

  public ImagePusher(RegistryClient client) {
    this(client, 1234);
  }

  public ImagePusher(RegistryClient client, long seed) {
    this.client = client;
    this.random = new Random(seed);
  }

  public byte[] randomLayer(int size) {
    byte[] data = new byte[size];
    random.nextBytes(data);
    return data;
  }

  /** An image with one fresh random layer of {@code layerSize} bytes. */
  public PushedImage pushImage(String repository, String tag, Format format, int layerSize)
      throws IOException {
    return pushImage(repository, tag, format, randomLayer(layerSize));
  }

  /**
   * Pushes the layers (each as a blob of this repository), a config unique to this image, and the
   * manifest.
   *
   * @param tag null to push the manifest by digest only, leaving it untagged
   */
  public PushedImage pushImage(String repository, String tag, Format format, byte[]... layers)
      throws IOException {
    boolean oci = format == Format.Oci;
    List<Descriptor> layerDescriptors = new ArrayList<>();
    for (byte[] layer : layers) {
      layerDescriptors.add(
          client.pushBlob(repository, layer, oci ? MediaTypes.OCI_LAYER : MediaTypes.DOCKER_LAYER));
    }
    String configJson =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"test.image\":\""
            + repository
            + "-"
            + counter.incrementAndGet()
            + "-"
            + random.nextLong()
            + "\"}},"
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
    Descriptor config =
        client.pushBlob(
            repository,
            configJson.getBytes(StandardCharsets.UTF_8),
            oci ? MediaTypes.OCI_CONFIG : MediaTypes.DOCKER_CONFIG);
    String mediaType = oci ? MediaTypes.OCI_MANIFEST : MediaTypes.DOCKER_MANIFEST;
    StringBuilder json =
        new StringBuilder(
            "{\"schemaVersion\":2,\"mediaType\":\""
                + mediaType
                + "\",\"config\":"
                + config.toJson()
                + ",\"layers\":[");
    for (int i = 0; i < layerDescriptors.size(); i++) {
      json.append(i == 0 ? "" : ",").append(layerDescriptors.get(i).toJson());
    }
    json.append("]}");
    Descriptor manifest =
        client.pushManifest(
            repository, tag, mediaType, json.toString().getBytes(StandardCharsets.UTF_8));
    return new PushedImage(repository, tag, manifest, config, layerDescriptors, List.of());
  }

  /**
   * Pushes an OCI index ({@link Format#OCI}) or a Docker manifest list ({@link Format#DOCKER}) over
   * {@code children}, which must already be in {@code repository} (typically pushed untagged).
   */
  public PushedImage pushIndex(
      String repository, String tag, Format format, PushedImage... children) throws IOException {
    String mediaType = format == Format.Oci ? MediaTypes.OCI_INDEX : MediaTypes.DOCKER_LIST;
    StringBuilder json =
        new StringBuilder(
            "{\"schemaVersion\":2,\"mediaType\":\"" + mediaType + "\",\"manifests\":[");
    for (int i = 0; i < children.length; i++) {
      Descriptor child = children[i].manifest();
      json.append(i == 0 ? "" : ",")
          .append("{\"mediaType\":\"")
          .append(child.mediaType())
          .append("\",\"digest\":\"")
          .append(child.digest())
          .append("\",\"size\":")
          .append(child.size())
          .append(",\"platform\":{\"architecture\":\"")
          .append(PLATFORMS[i % PLATFORMS.length])
          .append("\",\"os\":\"linux\"}}");
    }
    json.append("]}");
    Descriptor manifest =
        client.pushManifest(
            repository, tag, mediaType, json.toString().getBytes(StandardCharsets.UTF_8));
    return new PushedImage(repository, tag, manifest, null, List.of(), List.of(children));
  }

  /**
   * Pushes an OCI 1.1 referrer of {@code subject} (which must be in {@code repository}), as cosign
   * or oras push one to a registry without the Referrers API: an artifact manifest whose config is
   * the empty descriptor, with one layer of content and a {@code subject}.
   *
   * @param artifactType e.g. {@link MediaTypes#SIGNATURE} or {@link MediaTypes#SBOM}
   * @param tag null to push it by digest only, untagged
   */
  public PushedImage pushReferrer(
      String repository, String tag, String artifactType, PushedImage subject) throws IOException {
    Descriptor config =
        client.pushBlob(repository, "{}".getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_EMPTY);
    String layerType =
        artifactType.equals(MediaTypes.SIGNATURE) ? MediaTypes.SIGNATURE_PAYLOAD : artifactType;
    Descriptor content =
        client.pushBlob(
            repository,
            ("{\"subject\":\"" + subject.digest() + "\",\"nonce\":" + random.nextLong() + "}")
                .getBytes(StandardCharsets.UTF_8),
            layerType);
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\",\"artifactType\":\""
            + artifactType
            + "\",\"config\":"
            + config.toJson()
            + ",\"layers\":["
            + content.toJson()
            + "],\"subject\":"
            + subject.manifest().toJson()
            + "}";
    Descriptor manifest =
        client.pushManifest(
            repository, tag, MediaTypes.OCI_MANIFEST, json.getBytes(StandardCharsets.UTF_8));
    return new PushedImage(repository, tag, manifest, config, List.of(content), List.of());
  }

  /** Tags an image already in {@code repository} (a child of an index, say) as {@code tag} too. */
  public void tag(String repository, String tag, PushedImage image) throws IOException {
    client.pushManifest(
        repository,
        tag,
        image.manifest().mediaType(),
        client.getManifest(repository, image.digest()).body());
  }

  /**
   * A multi-platform image: {@code platforms} untagged children and a tagged index or list over
   * them.
   */
  public PushedImage pushMultiPlatform(
      String repository, String tag, Format format, int platforms, int layerSize)
      throws IOException {
    PushedImage[] children = new PushedImage[platforms];
    for (int i = 0; i < platforms; i++) {
      children[i] = pushImage(repository, null, format, layerSize);
    }
    return pushIndex(repository, tag, format, children);
  }
}
