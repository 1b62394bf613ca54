package dev.registryoperator.gcrunner.testkit;

/** Manifest, config and layer media types of Docker schema 2 and OCI images. */
public final class MediaTypes {
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** The config of an OCI 1.1 artifact: the two bytes {@code {}}. */
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";

  /** A cosign signature, as an OCI 1.1 artifact's type and its layer's media type. */
  public static final String SIGNATURE = "application/vnd.dev.cosign.artifact.sig.v1+json";

  public static final String SIGNATURE_PAYLOAD = "application/vnd.dev.cosign.simplesigning.v1+json";

  /** An SPDX SBOM, as an OCI 1.1 artifact's type and its layer's media type. */
  public static final String SBOM = "application/spdx+json";

  private MediaTypes() {}
}
