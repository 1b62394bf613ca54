package dev.registryoperator.gcrunner.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gcreport.retention.RetentionRequest;
import dev.registryoperator.gcreport.retention.RetentionRule;
import dev.registryoperator.gcrunner.RunnerHarness;
import dev.registryoperator.gcrunner.RunnerHarness.Run;
import dev.registryoperator.gcrunner.testkit.ImagePusher;
import dev.registryoperator.gcrunner.testkit.ImagePusher.Format;
import dev.registryoperator.gcrunner.testkit.ImageVerifier;
import dev.registryoperator.gcrunner.testkit.MediaTypes;
import dev.registryoperator.gcrunner.testkit.PushedImage;
import dev.registryoperator.gcrunner.testkit.RegistryClient;
import dev.registryoperator.gcrunner.testkit.StorageSnapshot;
import dev.registryoperator.s3server.S3Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GC runner with the real registry (2.8.2) on S3 storage ({@link S3Server}): the bytes in its
 * report are the bytes that left the bucket, read through the S3 API with the registry's own
 * settings, and a failed mark phase is never taken for an empty storage.
 */
class GcRunnerOnS3Test {
  private static S3Server s3;

  @TempDir Path dir;

  @BeforeAll
  static void startS3() throws Exception {
    RegistryCommand.binary();
    s3 = S3Server.start();
  }

  @AfterAll
  static void stopS3() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }

  /** As in a GC pod: no AWS_* (this machine's AWS_CA_BUNDLE kills the 2.8.2 driver). */
  private static Map<String, String> podEnvironment() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.keySet().removeIf(name -> name.startsWith("AWS_") || name.startsWith("REGISTRY_"));
    return env;
  }

  private static String bucket(TestInfo test) {
    String name = test.getTestMethod().orElseThrow().getName().toLowerCase();
    name = name.replaceAll("[^a-z0-9]", "");
    return name.substring(0, Math.min(name.length(), 40));
  }

  private Run runner(Path config, String... options) throws Exception {
    return runner(config, RegistryCommand.binary(), options);
  }

  private Run runner(Path config, Path binary, String... options) throws Exception {
    List<String> args =
        new java.util.ArrayList<>(
            List.of("--config", config.toString(), "--registry-binary", binary.toString()));
    args.addAll(List.of(options));
    return RunnerHarness.runInEnvironment(podEnvironment(), dir, args.toArray(String[]::new));
  }

  @Test
  void theReportsBytesAreTheBytesThatLeftTheBucket(TestInfo test) throws Exception {
    String bucket = bucket(test);
    try (S3Registry registry = S3Registry.start(s3, bucket, dir.resolve("registry"))) {
      RegistryClient client = registry.client();
      ImagePusher pusher = new ImagePusher(client, 31);
      byte[] shared = pusher.randomLayer(20_000);
      PushedImage kept =
          pusher.pushImage("app", "v1", Format.Docker, shared, pusher.randomLayer(30_000));
      PushedImage doomed =
          pusher.pushImage("app", "v2", Format.Oci, shared, pusher.randomLayer(45_000));
      client.deleteManifest("app", doomed.digest());
      registry.stop(); // nothing writes while it runs

      Run preview = runner(registry.configFile(), "--dry-run");
      StorageSnapshot before = BucketBlobs.snapshot(s3, bucket);
      Run run = runner(registry.configFile());
      StorageSnapshot after = BucketBlobs.snapshot(s3, bucket);

      assertThat(run.exitCode()).as(run.log()).isZero();
      assertThat(run.result()).isEqualTo("Succeeded");
      long gone = after.bytesGoneSince(before);
      assertThat(gone).isPositive();
      assertThat(run.report().get("bytesMeasured").asBoolean()).isTrue();
      assertThat(run.number("reclaimedBytes")).isEqualTo(gone);
      assertThat(run.number("blobsDeleted")).isEqualTo(after.goneSince(before).size());
      assertThat(run.number("eligibleBytes")).isEqualTo(gone);
      assertThat(preview.exitCode()).as(preview.log()).isZero();
      assertThat(preview.number("eligibleBytes")).as("the preview's figure").isEqualTo(gone);
      assertThat(run.integrity().get("checked").asBoolean()).isTrue();
      assertThat(run.integrity().get("missing").asLong()).isZero();
      assertThat(run.report().get("message").asText()).contains("integrity verified");
      assertThat(run.reportJson() + run.log() + preview.log()).doesNotContain(s3.secretKey());

      registry.start();
      assertThat(new ImageVerifier(registry.client()).pull(kept))
          .containsExactlyInAnyOrderElementsOf(kept.blobDigests());
    }
  }

  /**
   * The 2.8.2 s3 driver says "Path not found" for the repositories it could not walk: the runner
   * checks the bucket, and calls the storage empty only when nothing is under repositories/.
   */
  @Test
  void aFailedMarkIsAFailureUnlessTheBucketHasNoRepository(TestInfo test) throws Exception {
    String bucket = bucket(test);
    Path registryDir = dir.resolve("registry");
    try (S3Registry registry = S3Registry.start(s3, bucket, registryDir)) {
      Path config = registry.configFile();
      registry.stop();
      Path failsToMark =
          RunnerHarness.script(
              dir,
              "registry",
              """
              if [ "$1" = "--version" ]; then echo "docker-registry github.com/docker/distribution 2.8.2+ds1"; exit 0; fi
              echo 'failed to mark: s3aws: Path not found: /docker/registry/v2/repositories' >&2
              exit 1
              """);
      Run empty = runner(config, failsToMark);
      assertThat(empty.result()).as(empty.log()).isEqualTo("Succeeded");
      assertThat(empty.report().get("message").asText()).contains("storage is empty");

      registry.start();
      new ImagePusher(registry.client(), 32).pushImage("app", "v1", Format.Oci, 5_000);
      registry.stop();
      Run failed = runner(config, failsToMark);
      assertThat(failed.result()).as(failed.log()).isEqualTo("GarbageCollectFailed");
      assertThat(failed.exitCode()).isNotZero();
      assertThat(failed.report().get("message").asText()).contains("Path not found");
    }
  }

  /** The integrity check reads the bucket: a referenced blob that is not there fails the run. */
  @Test
  void aReferencedBlobMissingFromTheBucketFailsTheIntegrityCheckNamingIt(TestInfo test)
      throws Exception {
    String bucket = bucket(test);
    try (S3Registry registry = S3Registry.start(s3, bucket, dir.resolve("registry"))) {
      PushedImage image =
          new ImagePusher(registry.client(), 33).pushImage("app", "v1", Format.Oci, 7_000);
      registry.stop();
      String layer = image.layers().get(0).digest();
      String hex = layer.substring("sha256:".length());
      s3.delete(
          bucket, "docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");

      Run run = runner(registry.configFile());

      assertThat(run.result()).as(run.log()).isEqualTo("IntegrityCheckFailed");
      assertThat(run.integrity().get("missing").asLong()).isEqualTo(1);
      assertThat(run.report().get("message").asText()).contains("app@" + layer);
    }
  }

  /**
   * An untagged signature of a tagged image, in a bucket: the referrer check reads the bucket and
   * refuses --delete-untagged; with --delete-untagged-referrers the run deletes it, the image
   * stays.
   */
  @Test
  void anUntaggedSignatureInTheBucketRefusesDeleteUntaggedUnlessAllowed(TestInfo test)
      throws Exception {
    String bucket = bucket(test);
    try (S3Registry registry = S3Registry.start(s3, bucket, dir.resolve("registry"))) {
      ImagePusher pusher = new ImagePusher(registry.client(), 34);
      PushedImage image = pusher.pushImage("app", "v1", Format.Oci, 6_000);
      PushedImage signature = pusher.pushReferrer("app", null, MediaTypes.SIGNATURE, image);
      registry.stop();

      Run refused = runner(registry.configFile(), "--delete-untagged");
      assertThat(refused.exitCode()).as(refused.log()).isEqualTo(4);
      assertThat(refused.report().get("message").asText())
          .contains("app@" + signature.digest(), "nothing was deleted");
      assertThat(BucketBlobs.snapshot(s3, bucket).contains(signature.digest())).isTrue();

      StorageSnapshot before = BucketBlobs.snapshot(s3, bucket);
      Run allowed =
          runner(registry.configFile(), "--delete-untagged", "--delete-untagged-referrers");
      StorageSnapshot after = BucketBlobs.snapshot(s3, bucket);
      assertThat(allowed.exitCode()).as(allowed.log()).isZero();
      assertThat(after.goneSince(before)).containsKey(signature.digest());
      assertThat(allowed.number("reclaimedBytes")).isEqualTo(after.bytesGoneSince(before));
      assertThat(allowed.integrity().get("missing").asLong()).isZero();

      registry.start();
      new ImageVerifier(registry.client()).pull(image);
      assertThat(registry.client().getManifest("app", signature.digest()).status()).isEqualTo(404);
    }
  }

  /**
   * A tagged multi-arch image in a bucket and --delete-untagged on 2.8.2: the safety check reads
   * the bucket and refuses, naming the tag; nothing leaves the bucket.
   */
  @Test
  void deleteUntaggedOnRegistry2IsRefusedFromWhatTheBucketHolds(TestInfo test) throws Exception {
    String bucket = bucket(test);
    try (S3Registry registry = S3Registry.start(s3, bucket, dir.resolve("registry"))) {
      PushedImage multi =
          new ImagePusher(registry.client(), 35)
              .pushMultiPlatform("multi", "v1", Format.Oci, 2, 3_000);
      registry.stop();
      StorageSnapshot before = BucketBlobs.snapshot(s3, bucket);

      Run run = runner(registry.configFile(), "--delete-untagged");

      assertThat(run.exitCode()).as(run.log()).isEqualTo(4);
      assertThat(run.report().get("message").asText())
          .contains("2 child manifest(s)", "multi:v1", "nothing was deleted");
      assertThat(BucketBlobs.snapshot(s3, bucket)).isEqualTo(before);
      registry.start();
      new ImageVerifier(registry.client()).pull(multi);
    }
  }

  /**
   * --retention on S3: push times are the LastModified of the tags' links in the bucket (v1, just
   * pushed, is kept for its age); pr-1 goes, its image leaves the bucket with exactly the bytes the
   * report states, the layer it shares with v1 stays.
   */
  @Test
  void retentionDeletesATagInTheBucketAndReportsTheBytesThatLeftIt(TestInfo test) throws Exception {
    String bucket = bucket(test);
    try (S3Registry registry = S3Registry.start(s3, bucket, dir.resolve("registry"))) {
      ImagePusher pusher = new ImagePusher(registry.client(), 37);
      byte[] shared = pusher.randomLayer(10_000);
      PushedImage kept =
          pusher.pushImage("app", "v1", Format.Oci, shared, pusher.randomLayer(20_000));
      PushedImage doomed =
          pusher.pushImage("app", "pr-1", Format.Docker, shared, pusher.randomLayer(30_000));
      registry.stop();
      RetentionRequest request =
          new RetentionRequest(
              Instant.now().plusSeconds(60),
              List.of(
                  new RetentionRule(null, null, "pr-.*", null, 0, null),
                  new RetentionRule(null, null, "v.*", null, null, "1h")),
              null,
              true);
      Path requestFile = Files.writeString(dir.resolve("retention.json"), request.toJson());
      StorageSnapshot before = BucketBlobs.snapshot(s3, bucket);

      Run run = runner(registry.configFile(), "--retention", requestFile.toString());
      StorageSnapshot after = BucketBlobs.snapshot(s3, bucket);

      assertThat(run.exitCode()).as(run.log()).isZero();
      assertThat(run.number("tagsDeleted")).isEqualTo(1);
      assertThat(run.number("retentionManifestsDeleted")).isEqualTo(1);
      Set<String> freed = new HashSet<>(doomed.blobDigests());
      freed.removeAll(kept.blobDigests());
      assertThat(after.goneSince(before).keySet()).containsExactlyInAnyOrderElementsOf(freed);
      long gone = after.bytesGoneSince(before);
      assertThat(run.number("reclaimedBytes")).isEqualTo(gone).isPositive();
      assertThat(run.number("retentionBytes")).isEqualTo(gone);
      assertThat(run.integrity().get("missing").asLong()).isZero();
      assertThat(run.log()).contains("retention: delete tag app:pr-1 (" + doomed.digest());
      String manifests = "docker/registry/v2/repositories/app/_manifests/";
      assertThat(s3.list(bucket, manifests + "tags/pr-1/")).isEmpty();
      assertThat(s3.list(bucket, manifests + "revisions/sha256/" + doomed.digest().substring(7)))
          .isEmpty();

      registry.start();
      assertThat(registry.client().tags("app")).containsExactly("v1");
      assertThat(registry.client().getManifest("app", "pr-1").status()).isEqualTo(404);
      new ImageVerifier(registry.client()).pull(kept);
    }
  }

  /**
   * --prune-empty-repositories on S3: a repository whose only image was deleted leaves the bucket.
   */
  @Test
  void pruningEmptiesTheKeysOfRepositoriesLeftEmptyAndTheCatalogDropsThem(TestInfo test)
      throws Exception {
    String bucket = bucket(test);
    try (S3Registry registry = S3Registry.start(s3, bucket, dir.resolve("registry"))) {
      RegistryClient client = registry.client();
      ImagePusher pusher = new ImagePusher(client, 36);
      PushedImage kept = pusher.pushImage("app", "v1", Format.Oci, 4_000);
      PushedImage doomed = pusher.pushImage("tmp", "v1", Format.Oci, 5_000);
      client.deleteManifest("tmp", doomed.digest());
      assertThat(client.catalog()).containsExactly("app", "tmp");
      registry.stop();

      Run run = runner(registry.configFile(), "--prune-empty-repositories");

      assertThat(run.exitCode()).as(run.log()).isZero();
      assertThat(run.number("repositoriesPruned")).isEqualTo(1);
      assertThat(s3.list(bucket, "docker/registry/v2/repositories/tmp/")).isEmpty();
      registry.start();
      assertThat(registry.client().catalog()).containsExactly("app");
      new ImageVerifier(registry.client()).pull(kept);
    }
  }
}
