package dev.registryoperator.gcrunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner against the real registry binary ($REGISTRY_BINARY, else /usr/bin/docker-registry).
 */
class GcRunnerRegistryTest {
  @TempDir Path dir;

  @Test
  void realRunReclaimsExactlyWhatDisappearedAndEveryTaggedImageStillPulls() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      MixedStorage content = MixedStorage.push(registry.client());
      registry.stop(); // garbage-collect must run while nothing writes

      StorageSnapshot before = StorageSnapshot.of(registry.storage());
      Run run = RunnerHarness.runWith(RegistryProcess.binary(), registry.configFile(), dir);
      StorageSnapshot after = StorageSnapshot.of(registry.storage());

      assertThat(run.exitCode()).as(run.log()).isZero();
      assertThat(run.result()).isEqualTo("Succeeded");
      Map<String, Long> gone = after.goneSince(before);
      assertThat(gone.keySet()).containsExactlyInAnyOrderElementsOf(content.garbage());
      assertThat(gone).doesNotContainKey(content.sharedLayer);
      assertThat(run.number("reclaimedBytes")).isEqualTo(after.bytesGoneSince(before)).isPositive();
      assertThat(run.number("eligibleBytes")).isEqualTo(run.number("reclaimedBytes"));
      assertThat(run.number("blobsDeleted")).isEqualTo(gone.size());
      assertThat(run.number("blobsEligible")).isEqualTo(gone.size());
      assertThat(run.number("blobsMarked")).isEqualTo(before.blobSizes().size() - gone.size());
      assertThat(run.number("manifestsDeleted")).isZero();
      assertThat(run.report().get("bytesMeasured").asBoolean()).isTrue();
      assertThat(run.report().get("registryVersion").asText()).matches("\\d+\\.\\d+.*");
      assertThat(run.integrity().get("checked").asBoolean()).isTrue();
      assertThat(run.integrity().get("missing").asLong()).isZero();
      assertThat(run.integrity().get("manifests").asLong())
          .isEqualTo(content.taggedManifestReferences());
      assertThat(run.integrity().get("blobs").asLong()).isEqualTo(content.taggedBlobReferences());
      assertThat(run.log())
          .contains("snapshot", "garbage-collect: exit 0", "integrity", "Succeeded")
          .doesNotContain("--dry-run");

      registry.start();
      ImageVerifier verifier = new ImageVerifier(registry.client());
      for (PushedImage image : content.tagged) {
        assertThat(verifier.pull(image)).containsAll(image.blobDigests());
      }
      for (PushedImage image : content.untagged) {
        // No --delete-untagged: untagged manifests stay, pullable by digest.
        verifier.pull(image.repository(), image.digest(), image.digest());
      }
      for (PushedImage image : content.deleted) {
        assertThat(registry.client().getManifest(image.repository(), image.digest()).status())
            .isEqualTo(404);
      }
      registry.stop();

      Run again = RunnerHarness.runWith(RegistryProcess.binary(), registry.configFile(), dir);
      assertThat(again.exitCode()).isZero();
      assertThat(again.number("blobsEligible")).isZero();
      assertThat(again.number("reclaimedBytes")).isZero();
    }
  }

  @Test
  void dryRunDeletesNothingAndReportsWhatTheRealRunThenFrees() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      MixedStorage.push(registry.client());
      registry.stop();
      Map<String, Long> treeBefore = RunnerHarness.tree(registry.storage());
      StorageSnapshot before = StorageSnapshot.of(registry.storage());

      Run dry =
          RunnerHarness.runWith(RegistryProcess.binary(), registry.configFile(), dir, "--dry-run");

      assertThat(dry.exitCode()).as(dry.log()).isZero();
      assertThat(RunnerHarness.tree(registry.storage())).isEqualTo(treeBefore);
      assertThat(dry.report().get("dryRun").asBoolean()).isTrue();
      assertThat(dry.number("eligibleBytes")).isPositive();
      assertThat(dry.number("blobsDeleted")).isZero();
      assertThat(dry.number("reclaimedBytes")).isZero();
      assertThat(dry.integrity().get("checked").asBoolean()).isFalse();
      assertThat(dry.report().get("message").asText()).contains("dry run", "nothing was deleted");

      Run real = RunnerHarness.runWith(RegistryProcess.binary(), registry.configFile(), dir);

      assertThat(real.exitCode()).isZero();
      assertThat(real.number("reclaimedBytes"))
          .isEqualTo(dry.number("eligibleBytes"))
          .isEqualTo(StorageSnapshot.of(registry.storage()).bytesGoneSince(before));
      assertThat(real.number("blobsDeleted")).isEqualTo(dry.number("blobsEligible"));
    }
  }

  @Test
  void deleteUntaggedIsRefusedOnRegistry2WhenATaggedIndexWouldLoseItsChildren() throws Exception {
    assumeTrue(
        binaryVersion().hasMultiArchDeletionBug(), "only distribution before 3.0 has the bug");
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      MixedStorage content = MixedStorage.push(registry.client());
      registry.stop();
      Map<String, Long> treeBefore = RunnerHarness.tree(registry.storage());

      for (String[] options :
          new String[][] {{"--delete-untagged"}, {"--delete-untagged", "--dry-run"}}) {
        Run run =
            RunnerHarness.runWith(RegistryProcess.binary(), registry.configFile(), dir, options);

        assertThat(run.exitCode()).as(run.log()).isEqualTo(4);
        assertThat(run.result()).isEqualTo("PreflightRefused");
        assertThat(run.report().get("message").asText())
            .contains("multi:latest", "multi:list", "nothing was deleted");
        assertThat(run.number("blobsDeleted")).isZero();
        assertThat(run.number("manifestsEligible")).isPositive();
        assertThat(RunnerHarness.tree(registry.storage())).isEqualTo(treeBefore);
      }

      registry.start();
      ImageVerifier verifier = new ImageVerifier(registry.client());
      for (PushedImage image : content.tagged) {
        verifier.pull(image);
      }
    }
  }

  @Test
  void deleteUntaggedCollectsUntaggedManifestsWhenNoIndexIsAtRisk() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      RegistryClient client = registry.client();
      ImagePusher pusher = new ImagePusher(client, 11);
      byte[] shared = pusher.randomLayer(12 * 1024);
      PushedImage v1 = pusher.pushImage("app", "v1", Format.Docker, 6 * 1024);
      PushedImage movedAway =
          pusher.pushImage("app", "latest", Format.Oci, shared, pusher.randomLayer(5000));
      PushedImage latest = pusher.pushImage("app", "latest", Format.Oci, 7 * 1024);
      PushedImage byDigest = pusher.pushImage("app", null, Format.Docker, 3 * 1024);
      PushedImage web =
          pusher.pushImage("web", "v1", Format.Docker, shared, pusher.randomLayer(4000));
      registry.stop();
      StorageSnapshot before = StorageSnapshot.of(registry.storage());

      Run run =
          RunnerHarness.runWith(
              RegistryProcess.binary(), registry.configFile(), dir, "--delete-untagged");
      StorageSnapshot after = StorageSnapshot.of(registry.storage());

      assertThat(run.exitCode()).as(run.log()).isZero();
      assertThat(run.number("manifestsEligible")).isEqualTo(2);
      assertThat(run.number("manifestsDeleted")).isEqualTo(2);
      assertThat(after.goneSince(before).keySet())
          .containsExactlyInAnyOrder(
              movedAway.digest(),
              movedAway.config().digest(),
              movedAway.layers().get(1).digest(),
              byDigest.digest(),
              byDigest.config().digest(),
              byDigest.layers().get(0).digest());
      assertThat(after.contains(movedAway.layers().get(0).digest())).isTrue(); // shared with web:v1
      assertThat(run.number("reclaimedBytes")).isEqualTo(after.bytesGoneSince(before));
      assertThat(run.integrity().get("missing").asLong()).isZero();
      assertThat(
              Files.exists(
                  registry
                      .storage()
                      .resolve(
                          "docker/registry/v2/repositories/app/_manifests/"
                              + "revisions/sha256/"
                              + byDigest.digest().substring(7))))
          .isFalse();

      registry.start();
      ImageVerifier verifier = new ImageVerifier(registry.client());
      for (PushedImage image : new PushedImage[] {v1, latest, web}) {
        verifier.pull(image);
      }
      assertThat(registry.client().getManifest("app", movedAway.digest()).status()).isEqualTo(404);
      assertThat(registry.client().getManifest("app", byDigest.digest()).status()).isEqualTo(404);
    }
  }

  @Test
  void aRealRunRunsGarbageCollectOnceAndADryRunOnlyItsDryRun() throws Exception {
    Path calls = dir.resolve("calls.txt");
    Path recording =
        RunnerHarness.script(
            dir,
            "registry",
            """
                echo "$*" >> "%s"
                exec "%s" "$@"
                """
                .formatted(calls, RegistryProcess.binary()));
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      ImagePusher pusher = new ImagePusher(registry.client(), 5);
      PushedImage gone = pusher.pushImage("app", "v1", Format.Oci, 2048);
      pusher.pushImage("app", "v2", Format.Docker, 2048);
      pusher.pushImage("app", null, Format.Docker, 1024);
      registry.client().deleteManifest("app", gone.digest());
      registry.stop();
      String config = registry.configFile().toString();

      for (String[] options :
          new String[][] {
            {"--dry-run"}, {}, {"--delete-untagged", "--dry-run"}, {"--delete-untagged"}
          }) {
        java.nio.file.Files.deleteIfExists(calls);

        Run run = RunnerHarness.runWith(recording, registry.configFile(), dir, options);

        assertThat(run.exitCode()).as(run.log()).isZero();
        boolean dryRun = List.of(options).contains("--dry-run");
        String expected =
            "garbage-collect "
                + config
                + (dryRun ? " --dry-run" : "")
                + (List.of(options).contains("--delete-untagged") ? " --delete-untagged" : "");
        assertThat(java.nio.file.Files.readAllLines(calls))
            .as(String.join(" ", options))
            .containsExactlyInAnyOrder("--version", expected);
        if (dryRun) {
          assertThat(run.number("blobsDeleted")).isZero();
        } else {
          assertThat(run.number("blobsDeleted")).isEqualTo(run.number("blobsEligible"));
        }
      }
    }
  }

  @Test
  void deleteUntaggedRunsOnRegistry2WhenEveryChildOfATaggedIndexIsTaggedToo() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      RegistryClient client = registry.client();
      ImagePusher pusher = new ImagePusher(client, 13);
      PushedImage index = pusher.pushMultiPlatform("multi", "latest", Format.Oci, 2, 3 * 1024);
      for (PushedImage child : index.children()) {
        pusher.tag("multi", "child-" + child.digest().substring(7, 19), child);
      }
      PushedImage untagged = pusher.pushImage("multi", null, Format.Oci, 5 * 1024);
      registry.stop();
      StorageSnapshot before = StorageSnapshot.of(registry.storage());

      Run run =
          RunnerHarness.runWith(
              RegistryProcess.binary(), registry.configFile(), dir, "--delete-untagged");
      StorageSnapshot after = StorageSnapshot.of(registry.storage());

      assertThat(run.exitCode()).as(run.log()).isZero();
      assertThat(run.log()).contains("safety check: passed");
      assertThat(run.number("manifestsDeleted")).isEqualTo(1);
      assertThat(after.goneSince(before).keySet())
          .containsExactlyInAnyOrderElementsOf(untagged.blobDigests());
      assertThat(run.number("reclaimedBytes")).isEqualTo(after.bytesGoneSince(before));
      assertThat(run.integrity().get("missing").asLong()).isZero();

      registry.start();
      new ImageVerifier(registry.client()).pull(index);
    }
  }

  @Test
  void emptyStorageIsASuccessWithZeros() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      registry.stop();

      for (String[] options : new String[][] {{}, {"--dry-run"}, {"--delete-untagged"}}) {
        Run run =
            RunnerHarness.runWith(RegistryProcess.binary(), registry.configFile(), dir, options);

        assertThat(run.exitCode()).as(run.log()).isZero();
        assertThat(run.result()).isEqualTo("Succeeded");
        assertThat(run.report().get("message").asText()).contains("empty");
        for (String field :
            new String[] {
              "blobsMarked",
              "blobsEligible",
              "eligibleBytes",
              "blobsDeleted",
              "reclaimedBytes",
              "manifestsDeleted"
            }) {
          assertThat(run.number(field)).as(field).isZero();
        }
        assertThat(run.integrity().get("missing").asLong()).isZero();
      }
    }
  }

  @Test
  void storageRootThatDoesNotExistYetIsEmpty() throws Exception {
    Path config = dir.resolve("config.yml");
    Files.writeString(config, RegistryProcess.config(dir.resolve("never-created"), 5000));

    Run run = RunnerHarness.runWith(RegistryProcess.binary(), config, dir);

    assertThat(run.exitCode()).as(run.log()).isZero();
    assertThat(run.report().get("message").asText()).contains("empty");
  }

  @Test
  void repositoryWhoseImagesWereAllDeletedIsCollected() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      PushedImage only =
          new ImagePusher(registry.client()).pushImage("lonely", "v1", Format.Oci, 2048);
      registry.client().deleteManifest("lonely", only.digest());
      registry.stop();

      Run run = RunnerHarness.runWith(RegistryProcess.binary(), registry.configFile(), dir);

      assertThat(run.exitCode()).as(run.log()).isZero();
      assertThat(run.number("blobsDeleted")).isEqualTo(3);
      assertThat(StorageSnapshot.of(registry.storage()).blobSizes()).isEmpty();
      assertThat(run.integrity().get("manifests").asLong()).isZero();
    }
  }

  static RegistryVersion binaryVersion() {
    try {
      return new RegistryBinary(RegistryProcess.binary().toString(), Path.of("unused")).version();
    } catch (RegistryBinary.HungException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }
}
