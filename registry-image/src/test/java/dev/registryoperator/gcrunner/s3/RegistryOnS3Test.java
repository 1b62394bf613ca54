package dev.registryoperator.gcrunner.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gcrunner.testkit.Descriptor;
import dev.registryoperator.gcrunner.testkit.ImagePusher;
import dev.registryoperator.gcrunner.testkit.ImagePusher.Format;
import dev.registryoperator.gcrunner.testkit.ImageVerifier;
import dev.registryoperator.gcrunner.testkit.PushedImage;
import dev.registryoperator.gcrunner.testkit.RegistryClient;
import dev.registryoperator.gcrunner.testkit.StorageSnapshot;
import dev.registryoperator.s3server.S3Object;
import dev.registryoperator.s3server.S3Server;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real registry binary (distribution 2.8.2, {@code /usr/bin/docker-registry}) with its s3
 * storage driver against {@link S3Server}: push, pull, manifest delete and garbage-collect, with
 * what garbage-collect removed read from the bucket's listing. One server for the class, one bucket
 * per test.
 */
class RegistryOnS3Test {
  private static final int MIB = 1 << 20;

  private static S3Server s3;

  @TempDir Path dir;
  private String bucket;

  @BeforeAll
  static void startS3() throws Exception {
    RegistryCommand.binary(); // fail at once, with the reason, when the registry is missing
    s3 = S3Server.start();
  }

  @AfterAll
  static void stopS3() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }

  @BeforeEach
  void bucketPerTest(TestInfo test) {
    bucket = test.getTestMethod().orElseThrow().getName().toLowerCase().replaceAll("[^a-z0-9]", "");
    bucket = bucket.substring(0, Math.min(bucket.length(), 40));
  }

  @Test
  void garbageCollectRemovesExactlyTheBlobsOfADeletedManifest() throws Exception {
    try (S3Registry registry = S3Registry.start(s3, bucket, dir)) {
      RegistryClient client = registry.client();
      ImagePusher pusher = new ImagePusher(client, 21);
      byte[] shared = pusher.randomLayer(20_000);
      PushedImage kept =
          pusher.pushImage("app", "v1", Format.Docker, shared, pusher.randomLayer(30_000));
      // Above the 5 MiB chunk size: uploaded in two parts, moved into place by multipart copy.
      PushedImage big = pusher.pushImage("app", "big", Format.Oci, 11 * MIB + 123);
      PushedImage doomed =
          pusher.pushImage("app", "v2", Format.Docker, shared, pusher.randomLayer(40_000));
      PushedImage web = pusher.pushImage("web", "v1", Format.Oci, 10_000);
      ImageVerifier verifier = new ImageVerifier(client);
      for (PushedImage image : List.of(kept, big, doomed, web)) {
        assertThat(verifier.pull(image)).containsExactlyInAnyOrderElementsOf(image.blobDigests());
      }

      client.deleteManifest("app", doomed.digest());
      assertThat(client.getManifest("app", doomed.digest()).status()).isEqualTo(404);
      assertThat(client.getManifest("app", "v2").status()).isEqualTo(404);
      registry.stop(); // nothing may write while garbage-collect runs

      StorageSnapshot before = BucketBlobs.snapshot(s3, bucket);
      GarbageCollect gc = GarbageCollect.run(registry.configFile());
      StorageSnapshot after = BucketBlobs.snapshot(s3, bucket);

      assertThat(gc.exitCode()).as(gc.output()).isZero();
      Map<String, Long> doomedOnly =
          sizes(doomed.manifest(), doomed.config(), doomed.layers().get(1));
      assertThat(after.goneSince(before)).isEqualTo(doomedOnly);
      assertThat(after.bytesGoneSince(before))
          .isEqualTo(doomedOnly.values().stream().mapToLong(Long::longValue).sum());
      assertThat(after.contains(doomed.layers().get(0).digest())).isTrue(); // shared with app:v1
      assertThat(gc.eligibleBlobs()).isEqualTo(3);
      assertThat(gc.marked()).isEqualTo(before.blobSizes().size() - 3);
      for (String digest : doomedOnly.keySet()) {
        assertThat(s3.list(bucket, blobDirectory(digest))).as(digest).isEmpty();
      }
      assertThat(after.blobSizes().get(big.layers().get(0).digest())).isEqualTo(11L * MIB + 123);

      registry.start(); // a fresh process: the old one's blob descriptor cache is stale
      verifier = new ImageVerifier(registry.client());
      for (PushedImage image : List.of(kept, big, web)) {
        assertThat(verifier.pull(image)).containsExactlyInAnyOrderElementsOf(image.blobDigests());
      }
      assertThat(registry.client().getManifest("app", doomed.digest()).status()).isEqualTo(404);
      assertThat(registry.client().getBlob("app", doomed.config().digest()).status())
          .isEqualTo(404);
      registry.stop();

      GarbageCollect again = GarbageCollect.run(registry.configFile());
      assertThat(again.exitCode()).as(again.output()).isZero();
      assertThat(again.eligibleBlobs()).isZero();
      assertThat(BucketBlobs.snapshot(s3, bucket)).isEqualTo(after);
    }
  }

  @Test
  void dryRunDeletesNothingAndNamesWhatTheRealRunDeletes() throws Exception {
    try (S3Registry registry = S3Registry.start(s3, bucket, dir)) {
      ImagePusher pusher = new ImagePusher(registry.client(), 22);
      PushedImage kept = pusher.pushImage("app", "v1", Format.Oci, 25_000);
      PushedImage doomed = pusher.pushImage("app", "v2", Format.Oci, 35_000);
      registry.client().deleteManifest("app", doomed.digest());
      registry.stop();
      List<S3Object> bucketBefore = s3.list(bucket, "");
      StorageSnapshot before = BucketBlobs.snapshot(s3, bucket);

      GarbageCollect dry = GarbageCollect.run(registry.configFile(), "--dry-run");

      assertThat(dry.exitCode()).as(dry.output()).isZero();
      assertThat(s3.list(bucket, "")).isEqualTo(bucketBefore);
      assertThat(dry.eligibleBlobs()).isEqualTo(3);
      for (String digest : doomed.blobDigests()) {
        assertThat(dry.output()).contains("blob eligible for deletion: " + digest);
      }
      assertThat(dry.output()).doesNotContain("Deleting blob");

      GarbageCollect real = GarbageCollect.run(registry.configFile());

      assertThat(real.exitCode()).as(real.output()).isZero();
      assertThat(BucketBlobs.snapshot(s3, bucket).goneSince(before).keySet())
          .containsExactlyInAnyOrderElementsOf(doomed.blobDigests());
      registry.start();
      new ImageVerifier(registry.client()).pull(kept);
    }
  }

  @Test
  void deleteUntaggedCollectsUntaggedManifestsAndTheirBlobs() throws Exception {
    try (S3Registry registry = S3Registry.start(s3, bucket, dir)) {
      ImagePusher pusher = new ImagePusher(registry.client(), 23);
      byte[] shared = pusher.randomLayer(12_000);
      PushedImage v1 = pusher.pushImage("app", "v1", Format.Docker, 6_000);
      PushedImage movedAway =
          pusher.pushImage("app", "latest", Format.Oci, shared, pusher.randomLayer(5_000));
      PushedImage latest = pusher.pushImage("app", "latest", Format.Oci, 7_000);
      PushedImage byDigest = pusher.pushImage("app", null, Format.Docker, 3_000);
      PushedImage web =
          pusher.pushImage("web", "v1", Format.Docker, shared, pusher.randomLayer(4_000));
      registry.stop();
      StorageSnapshot before = BucketBlobs.snapshot(s3, bucket);

      GarbageCollect gc = GarbageCollect.run(registry.configFile(), "--delete-untagged");
      StorageSnapshot after = BucketBlobs.snapshot(s3, bucket);

      assertThat(gc.exitCode()).as(gc.output()).isZero();
      assertThat(gc.eligibleManifests()).isEqualTo(2);
      assertThat(after.goneSince(before))
          .isEqualTo(
              sizes(
                  movedAway.manifest(),
                  movedAway.config(),
                  movedAway.layers().get(1),
                  byDigest.manifest(),
                  byDigest.config(),
                  byDigest.layers().get(0)));
      assertThat(after.contains(movedAway.layers().get(0).digest())).isTrue(); // web:v1's too
      for (PushedImage untagged : List.of(movedAway, byDigest)) {
        assertThat(
                s3.list(
                    bucket,
                    "docker/registry/v2/repositories/app/_manifests/revisions/sha256/"
                        + untagged.digest().substring("sha256:".length())
                        + "/"))
            .isEmpty();
      }

      registry.start();
      ImageVerifier verifier = new ImageVerifier(registry.client());
      for (PushedImage image : List.of(v1, latest, web)) {
        verifier.pull(image);
      }
      assertThat(registry.client().getManifest("app", movedAway.digest()).status()).isEqualTo(404);
      assertThat(registry.client().getManifest("app", byDigest.digest()).status()).isEqualTo(404);
    }
  }

  @Test
  void aLayerPushedInChunksIsStoredWholeAndPullsBack() throws Exception {
    try (S3Registry registry = S3Registry.start(s3, bucket, dir)) {
      byte[] layer = new ImagePusher(registry.client(), 24).randomLayer(9 * MIB + 7);

      // 3 MiB chunks. Each request resumes the upload (ListMultipartUploads, ListParts); one whose
      // last part is under 5 MiB is completed and started again from the object so far: read
      // back (GetObject) while under 5 MiB, copied as its first part (UploadPartCopy) after.
      String digest = new ChunkedUpload(registry.baseUri()).push("chunks", layer, 3 * MIB);

      RegistryClient.Fetched pulled = registry.client().getBlob("chunks", digest);
      assertThat(pulled.status()).isEqualTo(200);
      assertThat(RegistryClient.sha256(pulled.body())).isEqualTo(digest);
      assertThat(BucketBlobs.snapshot(s3, bucket).blobSizes())
          .containsEntry(digest, (long) layer.length);
      assertThat(s3.list(bucket, "docker/registry/v2/repositories/chunks/_uploads/")).isEmpty();
      // No multipart upload left open: S3Proxy keeps those as objects outside the registry's keys.
      assertThat(s3.list(bucket, "")).allMatch(object -> object.key().startsWith("docker/"));
    }
  }

  private static Map<String, Long> sizes(Descriptor... descriptors) {
    Map<String, Long> sizes = new TreeMap<>();
    for (Descriptor descriptor : descriptors) {
      sizes.put(descriptor.digest(), descriptor.size());
    }
    return sizes;
  }

  /**
   * {@code docker/registry/v2/blobs/sha256/<xx>/<hex>/}: the data object and anything beside it.
   */
  private static String blobDirectory(String digest) {
    String hex = digest.substring("sha256:".length());
    return BucketBlobs.BLOBS + "sha256/" + hex.substring(0, 2) + "/" + hex + "/";
  }
}
