package dev.registryoperator.gcrunner.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * Writes a registry filesystem storage directly (no HTTP), in the layout distribution 2.8 and 3.x
 * use: blobs, layer links, revision links, tags. Half of the images are "deleted" the way {@code
 * DELETE /v2/<repo>/manifests/<digest>} leaves them (no revision link, no tag, blobs and layer
 * links still there), so that half of all blobs are unreferenced.
 */
public final class StorageGenerator {
  private final Path v2;
  private final Random random;

  public StorageGenerator(Path root, long seed) {
    this.v2 = root.resolve("docker/registry/v2");
    this.random = new Random(seed);
  }

  /**
   * @param repositories how many repositories the images are spread over
   * @param images how many images in all; every second one is deleted
   * @param layersPerImage layers per image (each image also has a manifest and a config blob)
   * @return the number of blobs written
   */
  public long generate(int repositories, int images, int layersPerImage) throws IOException {
    long blobs = 0;
    for (int i = 0; i < images; i++) {
      String repository = "bench/repo-" + (i % repositories);
      boolean deleted = i % 2 == 1;
      StringBuilder layers = new StringBuilder();
      for (int l = 0; l < layersPerImage; l++) {
        byte[] data = randomBytes(512 + random.nextInt(3584));
        String digest = writeBlob(data);
        link(repository, "_layers", digest);
        layers
            .append(l == 0 ? "" : ",")
            .append(
                descriptor(
                    "application/vnd.docker.image.rootfs.diff.tar.gzip", digest, data.length));
        blobs++;
      }
      byte[] config =
          ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"image\":" + i + "}")
              .getBytes(StandardCharsets.UTF_8);
      String configDigest = writeBlob(config);
      link(repository, "_layers", configDigest);
      String manifest =
          "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
              + "\"config\":"
              + descriptor(
                  "application/vnd.docker.container.image.v1+json", configDigest, config.length)
              + ",\"layers\":["
              + layers
              + "]}";
      String manifestDigest = writeBlob(manifest.getBytes(StandardCharsets.UTF_8));
      blobs += 2;
      if (!deleted) {
        link(repository, "_manifests/revisions", manifestDigest);
        String tag = "v" + i;
        Path tagDir =
            v2.resolve("repositories").resolve(repository).resolve("_manifests/tags").resolve(tag);
        write(tagDir.resolve("current/link"), manifestDigest.getBytes(StandardCharsets.UTF_8));
        write(
            tagDir.resolve("index/sha256").resolve(hex(manifestDigest)).resolve("link"),
            manifestDigest.getBytes(StandardCharsets.UTF_8));
      }
    }
    return blobs;
  }

  private static String descriptor(String mediaType, String digest, long size) {
    return "{\"mediaType\":\""
        + mediaType
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":"
        + size
        + "}";
  }

  private byte[] randomBytes(int size) {
    byte[] data = new byte[size];
    random.nextBytes(data);
    return data;
  }

  private String writeBlob(byte[] data) throws IOException {
    String digest = sha256(data);
    String hex = hex(digest);
    write(
        v2.resolve("blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex).resolve("data"), data);
    return digest;
  }

  private void link(String repository, String kind, String digest) throws IOException {
    write(
        v2.resolve("repositories")
            .resolve(repository)
            .resolve(kind)
            .resolve("sha256")
            .resolve(hex(digest))
            .resolve("link"),
        digest.getBytes(StandardCharsets.UTF_8));
  }

  private static void write(Path file, byte[] data) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, data);
  }

  private static String hex(String digest) {
    return digest.substring("sha256:".length());
  }

  static String sha256(byte[] data) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
