package dev.registryoperator.gcrunner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gcreport.IntegrityResult;
import dev.registryoperator.gcrunner.bench.StorageGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage reading and the integrity check on a storage written directly (see {@link
 * StorageGenerator}).
 */
class IntegrityCheckTest {
  @TempDir Path root;

  private final Parallel parallel = new Parallel(3);
  private StorageLayout layout;

  @BeforeEach
  void generate() throws IOException {
    // 3 repositories (image i in repo-(i % 3)), 6 images of 2 layers; images 1, 3 and 5 are
    // deleted.
    new StorageGenerator(root, 1).generate(3, 6, 2);
    layout = new StorageLayout(root);
  }

  @AfterEach
  void stop() {
    parallel.close();
  }

  @Test
  void readsRepositoriesAndTags() throws IOException {
    StorageReader reader = new StorageReader(layout);

    assertThat(reader.repositories())
        .containsExactly("bench/repo-0", "bench/repo-1", "bench/repo-2");
    assertThat(reader.tags("bench/repo-0"))
        .extracting(TaggedManifest::reference)
        .containsExactly("bench/repo-0:v0");
    assertThat(reader.tags("bench/repo-1"))
        .extracting(TaggedManifest::tag)
        .containsExactly("v4"); // v1 deleted
  }

  @Test
  void intactStoragePasses() throws IOException {
    IntegrityResult result = check();

    assertThat(result.checked()).isTrue();
    assertThat(result.manifests()).isEqualTo(3);
    assertThat(result.blobs()).isEqualTo(9);
    assertThat(result.missing()).isZero();
    assertThat(result.intact()).isTrue();
  }

  @Test
  void missingBlobDirectoryIsReported() throws IOException {
    String layer = firstImage().blobs().get(1);
    deleteRecursively(layout.blobData(layer).getParent());

    IntegrityResult result = check();

    assertThat(result.missing()).isEqualTo(1);
    assertThat(result.missingDigests()).containsExactly("bench/repo-0@" + layer);
  }

  @Test
  void missingLayerLinkFileIsReported() throws IOException {
    // Registry 3.x removes layer links file by file, leaving the directory.
    String config = firstImage().blobs().get(0);
    Files.delete(layout.layerLink("bench/repo-0", config));

    assertThat(check().missingDigests()).containsExactly("bench/repo-0@" + config);
  }

  @Test
  void missingRevisionAndUnreadableManifestAreReported() throws IOException {
    TaggedManifest tag = new StorageReader(layout).tags("bench/repo-0").get(0);
    deleteRecursively(layout.revisionLink(tag.repository(), tag.digest()).getParent());
    TaggedManifest other = new StorageReader(layout).tags("bench/repo-2").get(0);
    Files.writeString(layout.blobData(other.digest()), "not json");

    IntegrityResult result = check();

    assertThat(result.missingDigests())
        .containsExactlyInAnyOrder(
            "bench/repo-0@" + tag.digest(), "bench/repo-2@" + other.digest());
  }

  @Test
  void missingManifestDataIsReported() throws IOException {
    TaggedManifest tag = new StorageReader(layout).tags("bench/repo-0").get(0);
    deleteRecursively(layout.blobData(tag.digest()).getParent());

    IntegrityResult result = check();

    assertThat(result.missingDigests()).containsExactly("bench/repo-0@" + tag.digest());
    assertThat(result.blobs()).isEqualTo(6); // its config and layers could not be known
  }

  @Test
  void presenceIndexAnswersFromListings() throws IOException {
    String layer = firstImage().blobs().get(1);
    PresenceIndex index = new PresenceIndex(layout);

    assertThat(index.blob(layer)).contains(true);
    assertThat(index.blob("sha256:" + "0".repeat(64))).contains(false);
    assertThat(index.layer("bench/repo-0", layer)).contains(true);
    assertThat(index.layer("no/such-repo", layer)).contains(false);
  }

  @Test
  void blobFilesStatsSizes() throws IOException {
    Manifest image = firstImage();
    long[] sizes =
        new BlobFiles(layout, parallel)
            .stat(List.of(image.blobs().get(1), "sha256:" + "0".repeat(64), "not-a-digest"));

    assertThat(sizes[0]).isEqualTo(Files.size(layout.blobData(image.blobs().get(1))));
    assertThat(sizes[1]).isEqualTo(BlobFiles.ABSENT);
    assertThat(sizes[2]).isEqualTo(BlobFiles.ABSENT);
  }

  private IntegrityResult check() throws IOException {
    return new IntegrityCheck(layout, parallel)
        .check(ImageGraph.read(new StorageReader(layout), parallel));
  }

  private Manifest firstImage() throws IOException {
    StorageReader reader = new StorageReader(layout);
    return reader.manifest(reader.tags("bench/repo-0").get(0).digest());
  }

  private static void deleteRecursively(Path path) throws IOException {
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
