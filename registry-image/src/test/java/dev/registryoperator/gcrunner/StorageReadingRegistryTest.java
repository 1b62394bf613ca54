package dev.registryoperator.gcrunner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gcrunner.testkit.RegistryProcess;
import dev.registryoperator.gcrunner.testkit.StorageSnapshot;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the runner reads from a storage written by the real registry: the blob snapshot. */
class StorageReadingRegistryTest {
  @TempDir Path dir;

  private final Parallel parallel = new Parallel(3);

  @AfterEach
  void stop() {
    parallel.close();
  }

  @Test
  void theSnapshotHasEveryBlobWithTheSizeOfItsData() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      MixedStorage.push(registry.client());
      registry.stop();

      BlobSnapshot snapshot =
          new BlobFiles(new StorageLayout(registry.storage()), parallel).snapshot();

      Map<String, Long> expected = StorageSnapshot.of(registry.storage()).blobSizes();
      assertThat(snapshot.count()).isEqualTo(expected.size()).isPositive();
      expected.forEach((digest, size) -> assertThat(snapshot.size(digest)).isEqualTo(size));
      assertThat(snapshot.totalBytes())
          .isEqualTo(expected.values().stream().mapToLong(Long::longValue).sum());
      assertThat(snapshot.unreadable()).isZero();
    }
    BlobSnapshot none =
        new BlobFiles(new StorageLayout(dir.resolve("never-created")), parallel).snapshot();
    assertThat(none.count()).isZero();
    assertThat(none.unreadable()).isZero();
  }
}
