package dev.registryoperator.gcrunner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gcrunner.RunnerHarness.Run;
import dev.registryoperator.gcrunner.testkit.ImagePusher;
import dev.registryoperator.gcrunner.testkit.ImagePusher.Format;
import dev.registryoperator.gcrunner.testkit.ImageVerifier;
import dev.registryoperator.gcrunner.testkit.PushedImage;
import dev.registryoperator.gcrunner.testkit.RegistryClient;
import dev.registryoperator.gcrunner.testkit.RegistryProcess;
import dev.registryoperator.gcrunner.testkit.StorageSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --prune-empty-repositories} against the real registry: repositories whose every image was
 * deleted leave the catalog; a nested repository, tagged images and their blobs stay.
 */
class EmptyRepositoriesTest {
  @TempDir Path dir;

  /** app:v1 stays; tmp and team/a lose their only image; team/a/b, inside team/a, stays. */
  private record Content(PushedImage app, PushedImage nested) {
    static Content push(RegistryClient client) throws Exception {
      ImagePusher pusher = new ImagePusher(client, 41);
      PushedImage app = pusher.pushImage("app", "v1", Format.Oci, 5_000);
      PushedImage tmp = pusher.pushImage("tmp", "v1", Format.Docker, 6_000);
      PushedImage teamA = pusher.pushImage("team/a", "v1", Format.Oci, 7_000);
      PushedImage nested = pusher.pushImage("team/a/b", "v1", Format.Oci, 8_000);
      client.deleteManifest("tmp", tmp.digest());
      client.deleteManifest("team/a", teamA.digest());
      return new Content(app, nested);
    }
  }

  @Test
  void theCatalogDropsRepositoriesLeftEmptyAndKeepsEveryOther() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      Content content = Content.push(registry.client());
      assertThat(registry.client().catalog()).containsExactly("app", "team/a", "team/a/b", "tmp");
      registry.stop();
      StorageSnapshot before = StorageSnapshot.of(registry.storage());

      Run run =
          RunnerHarness.runWith(
              RegistryProcess.binary(), registry.configFile(), dir, "--prune-empty-repositories");
      StorageSnapshot after = StorageSnapshot.of(registry.storage());

      assertThat(run.exitCode()).as(run.log()).isZero();
      assertThat(run.number("repositoriesPruned")).isEqualTo(2);
      assertThat(run.report().get("message").asText()).contains("2 empty repositories pruned");
      assertThat(run.log()).contains("pruned 2 empty repositories: team/a, tmp");
      assertThat(run.number("reclaimedBytes")).isEqualTo(after.bytesGoneSince(before)).isPositive();
      Path repositories = registry.storage().resolve("docker/registry/v2/repositories");
      assertThat(repositories.resolve("tmp")).doesNotExist();
      assertThat(repositories.resolve("team/a/_layers")).doesNotExist();
      assertThat(repositories.resolve("team/a/b/_manifests")).isDirectory();

      registry.start();
      assertThat(registry.client().catalog()).containsExactly("app", "team/a/b");
      ImageVerifier verifier = new ImageVerifier(registry.client());
      verifier.pull(content.app());
      verifier.pull(content.nested());
    }
  }

  @Test
  void withoutTheOptionEmptyRepositoriesStayInTheCatalog() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      Content.push(registry.client());
      registry.stop();

      Run run = RunnerHarness.runWith(RegistryProcess.binary(), registry.configFile(), dir);

      assertThat(run.exitCode()).as(run.log()).isZero();
      assertThat(run.number("repositoriesPruned")).isZero();
      registry.start();
      assertThat(registry.client().catalog()).containsExactly("app", "team/a", "team/a/b", "tmp");
    }
  }

  @Test
  void aRepositoryWithAnUploadInProgressIsNotPruned() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      Content.push(registry.client());
      registry.stop();
      Path upload =
          registry.storage().resolve("docker/registry/v2/repositories/tmp/_uploads/some-uuid");
      Files.createDirectories(upload);
      Files.writeString(upload.resolve("startedat"), "2026-11-26T00:00:00Z");

      Run run =
          RunnerHarness.runWith(
              RegistryProcess.binary(), registry.configFile(), dir, "--prune-empty-repositories");

      assertThat(run.exitCode()).as(run.log()).isZero();
      assertThat(run.number("repositoriesPruned")).isEqualTo(1); // team/a only
      assertThat(upload.resolve("startedat")).exists();
    }
  }

  @Test
  void onS3ARepositoryIsEmptyWithoutTagsRevisionsOrUploads() {
    List<String> keys =
        List.of(
            "repositories/gone/_layers/sha256/" + "a".repeat(64) + "/link",
            "repositories/gone/_manifests/tags/v1/index/sha256/" + "a".repeat(64) + "/link",
            "repositories/kept/_manifests/tags/v1/current/link",
            "repositories/kept/_layers/sha256/" + "a".repeat(64) + "/link",
            "repositories/untagged/_manifests/revisions/sha256/" + "b".repeat(64) + "/link",
            "repositories/uploading/_uploads/uuid/startedat",
            "repositories/team/a/_layers/sha256/" + "c".repeat(64) + "/link",
            "repositories/team/a/b/_manifests/tags/v1/current/link",
            "blobs/sha256/aa/" + "a".repeat(64) + "/data");

    assertThat(EmptyRepositories.emptyOnS3(keys))
        .containsOnlyKeys("gone", "team/a")
        .containsEntry(
            "team/a", List.of("repositories/team/a/_layers/sha256/" + "c".repeat(64) + "/link"));
  }
}
