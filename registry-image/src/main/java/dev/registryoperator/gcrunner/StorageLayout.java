package dev.registryoperator.gcrunner;

import java.io.File;
import java.nio.file.Path;

/** Paths of the distribution registry's filesystem storage layout under its root directory. */
public final class StorageLayout {
  private final Path root;
  private final Path v2;
  private final String blobsPath;

  public StorageLayout(Path root) {
    this.root = root;
    this.v2 = root.resolve("docker/registry/v2");
    this.blobsPath = blobs().toString();
  }

  public Path root() {
    return root;
  }

  public Path repositories() {
    return v2.resolve("repositories");
  }

  public Path blobs() {
    return v2.resolve("blobs");
  }

  /** {@code blobs/<algorithm>/<first two hex>/<hex>/data}. */
  public Path blobData(String digest) {
    String algorithm = algorithm(digest);
    String hex = digest.substring(algorithm.length() + 1);
    return v2.resolve("blobs/" + algorithm + "/" + hex.substring(0, 2) + "/" + hex + "/data");
  }

  /** {@link #blobData} as a {@link File}, built as a string: lighter, for reads of many blobs. */
  public File blobDataFile(String digest) {
    String algorithm = algorithm(digest);
    String hex = digest.substring(algorithm.length() + 1);
    return new File(blobsPath + '/' + algorithm + '/' + hex.substring(0, 2) + '/' + hex + "/data");
  }

  public Path repository(String repository) {
    return repositories().resolve(repository);
  }

  public Path tags(String repository) {
    return repository(repository).resolve("_manifests/tags");
  }

  public Path currentTagLink(String repository, String tag) {
    return tags(repository).resolve(tag).resolve("current/link");
  }

  /** {@code _manifests/revisions} of the repository: one folder per algorithm, then per digest. */
  public Path revisions(String repository) {
    return repository(repository).resolve("_manifests/revisions");
  }

  public Path revisionLink(String repository, String digest) {
    algorithm(digest);
    return repository(repository)
        .resolve("_manifests/revisions/" + digest.replace(':', '/') + "/link");
  }

  public Path layerLink(String repository, String digest) {
    algorithm(digest);
    return repository(repository).resolve("_layers/" + digest.replace(':', '/') + "/link");
  }

  static String algorithm(String digest) {
    if (!Digests.isValid(digest)) {
      throw new IllegalArgumentException("not a digest: " + digest);
    }
    return digest.substring(0, digest.indexOf(':'));
  }
}
