package dev.registryoperator.gcrunner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gcrunner.testkit.ImagePusher;
import dev.registryoperator.gcrunner.testkit.ImagePusher.Format;
import dev.registryoperator.gcrunner.testkit.PushedImage;
import dev.registryoperator.gcrunner.testkit.RegistryProcess;
import dev.registryoperator.gcrunner.testkit.StorageSnapshot;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the runner reads from a storage written by the real registry, against what the registry
 * itself says: the blob snapshot, and the children of tagged indexes that {@code --delete-untagged}
 * would delete.
 */
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

  @Test
  void anEarlySnapshotOfAnotherRootIsNotUsed() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      MixedStorage.push(registry.client());
      registry.stop();
      RegistryBinary binary =
          new RegistryBinary(RegistryProcess.binary().toString(), registry.configFile());

      EarlyStart wrongGuess =
          EarlyStart.begin(binary, java.util.Optional.of(dir.resolve("elsewhere")), parallel);
      EarlyStart rightGuess =
          EarlyStart.begin(binary, java.util.Optional.of(registry.storage()), parallel);

      Map<String, Long> expected = StorageSnapshot.of(registry.storage()).blobSizes();
      for (EarlyStart early : List.of(wrongGuess, rightGuess)) {
        BlobSnapshot snapshot = early.snapshotOf(registry.storage(), parallel).snapshot();
        assertThat(snapshot.count()).isEqualTo(expected.size());
        assertThat(snapshot.totalBytes())
            .isEqualTo(expected.values().stream().mapToLong(Long::longValue).sum());
        assertThat(early.version().get().known()).isTrue();
      }
    }
  }

  @Test
  void childrenAtRiskReadFromStorageAreTheChildrenTheRegistryListsForDeletion() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      MixedStorage content = MixedStorage.push(registry.client());
      // One child of a third index is tagged as well: --delete-untagged keeps it.
      ImagePusher pusher = new ImagePusher(registry.client(), 3);
      PushedImage third = pusher.pushMultiPlatform("multi", "third", Format.Oci, 2, 1024);
      PushedImage taggedChild = third.children().get(0);
      pusher.tag("multi", "amd64", taggedChild);
      registry.stop();
      GcOutputParser parser = new GcOutputParser(false);
      RegistryBinary.Result dryRun =
          new RegistryBinary(RegistryProcess.binary().toString(), registry.configFile())
              .startGarbageCollect(true, true, parser::accept)
              .await();
      assertThat(dryRun.exitCode()).isZero();
      Set<String> children = new HashSet<>();
      content.tagged.forEach(image -> image.children().forEach(c -> children.add(c.digest())));
      third.children().forEach(child -> children.add(child.digest()));
      List<EligibleManifest> listedChildren =
          parser.result().eligibleManifests().stream()
              .filter(manifest -> children.contains(manifest.digest()))
              .toList();

      StorageReader reader = new StorageReader(new StorageLayout(registry.storage()));
      ImageGraph graph = ImageGraph.read(reader, parallel);
      List<EligibleManifest> atRisk = graph.childrenAtRisk(reader);

      assertThat(atRisk).hasSize(5).containsExactlyInAnyOrderElementsOf(listedChildren);
      assertThat(atRisk).doesNotContain(new EligibleManifest("multi", taggedChild.digest()));
      assertThat(SafetyCheck.conflicts(atRisk, graph.protectedChildren()))
          .extracting(SafetyCheck.Conflict::protector)
          .containsOnly("multi:latest", "multi:list", "multi:third");
      // Manifests deleted through the API keep their revision directory, not its link.
      for (PushedImage deleted : content.deleted) {
        assertThat(reader.hasRevision(deleted.repository(), deleted.digest())).isFalse();
      }
      assertThat(reader.hasRevision("multi", taggedChild.digest())).isTrue();
    }
  }
}
