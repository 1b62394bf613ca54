package dev.registryoperator.gcrunner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gcrunner.RunnerHarness.Run;
import dev.registryoperator.gcrunner.testkit.ImagePusher;
import dev.registryoperator.gcrunner.testkit.ImagePusher.Format;
import dev.registryoperator.gcrunner.testkit.ImageVerifier;
import dev.registryoperator.gcrunner.testkit.MediaTypes;
import dev.registryoperator.gcrunner.testkit.PushedImage;
import dev.registryoperator.gcrunner.testkit.RegistryClient;
import dev.registryoperator.gcrunner.testkit.RegistryProcess;
import dev.registryoperator.gcrunner.testkit.StorageSnapshot;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OCI 1.1 referrers (signatures, SBOMs) pushed to the real registry as cosign and oras push them to
 * a registry without the Referrers API, then {@code --delete-untagged}: distribution's GC does not
 * follow {@code subject}, so the runner must refuse to delete an untagged referrer of an image that
 * stays, unless told to.
 */
class ReferrerSafetyTest {
  @TempDir Path dir;

  /** What the storage holds: an image with a signature (untagged) and an SBOM (tagged). */
  private record Content(
      PushedImage image,
      PushedImage signature,
      PushedImage sbom,
      PushedImage untaggedImage,
      PushedImage signatureOfUntagged) {

    static Content push(RegistryClient client) throws Exception {
      ImagePusher pusher = new ImagePusher(client, 21);
      PushedImage image = pusher.pushImage("app", "v1", Format.Oci, 8 * 1024);
      PushedImage signature = pusher.pushReferrer("app", null, MediaTypes.SIGNATURE, image);
      // cosign's tag schema keeps an SBOM by a tag of its own: safe
      PushedImage sbom =
          pusher.pushReferrer(
              "app", "sha256-" + image.digest().substring(7) + ".sbom", MediaTypes.SBOM, image);
      // an untagged image goes with --delete-untagged, and its signature with it: no conflict
      PushedImage untaggedImage = pusher.pushImage("app", null, Format.Oci, 4 * 1024);
      PushedImage signatureOfUntagged =
          pusher.pushReferrer("app", null, MediaTypes.SIGNATURE, untaggedImage);
      return new Content(image, signature, sbom, untaggedImage, signatureOfUntagged);
    }
  }

  @Test
  void deleteUntaggedIsRefusedWhenItWouldDeleteTheSignatureOfAnImageThatStays() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      Content content = Content.push(registry.client());
      registry.stop();
      Map<String, Long> treeBefore = RunnerHarness.tree(registry.storage());

      for (String[] options :
          new String[][] {{"--delete-untagged"}, {"--delete-untagged", "--dry-run"}}) {
        Run run =
            RunnerHarness.runWith(RegistryProcess.binary(), registry.configFile(), dir, options);

        assertThat(run.exitCode()).as(run.log()).isEqualTo(4);
        assertThat(run.result()).isEqualTo("PreflightRefused");
        assertThat(run.report().get("message").asText())
            .contains(
                "1 untagged referrer(s)",
                "app@" + content.signature().digest(),
                "subject " + content.image().digest(),
                "nothing was deleted",
                "deleteUntaggedReferrers")
            .doesNotContain(content.sbom().digest(), content.signatureOfUntagged().digest());
        assertThat(run.number("blobsDeleted")).isZero();
        assertThat(run.number("manifestsEligible")).isPositive(); // the preview's figures
        assertThat(RunnerHarness.tree(registry.storage())).isEqualTo(treeBefore);
      }

      registry.start();
      ImageVerifier verifier = new ImageVerifier(registry.client());
      verifier.pull(content.image());
      verifier.pull("app", content.signature().digest(), content.signature().digest());
    }
  }

  @Test
  void deleteUntaggedReferrersLetsTheRunDeleteThemAndKeepsTheImageAndTaggedReferrers()
      throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      Content content = Content.push(registry.client());
      registry.stop();
      StorageSnapshot before = StorageSnapshot.of(registry.storage());

      Run run =
          RunnerHarness.runWith(
              RegistryProcess.binary(),
              registry.configFile(),
              dir,
              "--delete-untagged",
              "--delete-untagged-referrers");
      StorageSnapshot after = StorageSnapshot.of(registry.storage());

      assertThat(run.exitCode()).as(run.log()).isZero();
      assertThat(run.log()).contains("deleting 1 untagged referrer(s)");
      // the signature, the untagged image and its signature
      assertThat(run.number("manifestsDeleted")).isEqualTo(3);
      assertThat(after.goneSince(before).keySet())
          .contains(
              content.signature().digest(),
              content.signature().layers().get(0).digest(),
              content.untaggedImage().digest(),
              content.signatureOfUntagged().digest());
      assertThat(run.number("reclaimedBytes")).isEqualTo(after.bytesGoneSince(before));
      assertThat(run.integrity().get("missing").asLong()).isZero();

      registry.start();
      ImageVerifier verifier = new ImageVerifier(registry.client());
      verifier.pull(content.image());
      verifier.pull(content.sbom());
      assertThat(registry.client().getManifest("app", content.signature().digest()).status())
          .isEqualTo(404);
    }
  }

  @Test
  void withoutDeleteUntaggedEveryReferrerStays() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      Content content = Content.push(registry.client());
      registry.stop();

      Run run = RunnerHarness.runWith(RegistryProcess.binary(), registry.configFile(), dir);

      assertThat(run.exitCode()).as(run.log()).isZero();
      assertThat(run.number("blobsDeleted")).isZero();
      registry.start();
      ImageVerifier verifier = new ImageVerifier(registry.client());
      for (PushedImage referrer :
          new PushedImage[] {content.signature(), content.signatureOfUntagged()}) {
        verifier.pull("app", referrer.digest(), referrer.digest());
      }
      verifier.pull(content.sbom());
    }
  }
}
