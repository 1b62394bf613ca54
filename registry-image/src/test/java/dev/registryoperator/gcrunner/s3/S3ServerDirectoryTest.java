package dev.registryoperator.gcrunner.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gcrunner.testkit.ImagePusher;
import dev.registryoperator.gcrunner.testkit.ImagePusher.Format;
import dev.registryoperator.gcrunner.testkit.ImageVerifier;
import dev.registryoperator.gcrunner.testkit.PushedImage;
import dev.registryoperator.gcrunner.testkit.StorageSnapshot;
import dev.registryoperator.s3server.S3Server;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link S3Server#start(Path)}: the objects live in a directory and outlast the server. */
class S3ServerDirectoryTest {
  private static final String BUCKET = "registry";

  @TempDir Path dir;

  @Test
  void aRegistryPushedToADirectoryPullsAndCollectsThroughTheNextServer() throws Exception {
    RegistryCommand.binary();
    Path data = dir.resolve("s3");
    PushedImage kept;
    PushedImage doomed;
    try (S3Server s3 = S3Server.start(data);
        S3Registry registry = S3Registry.start(s3, BUCKET, dir.resolve("first"))) {
      ImagePusher pusher = new ImagePusher(registry.client(), 31);
      kept = pusher.pushImage("app", "v1", Format.Docker, 20_000);
      doomed = pusher.pushImage("app", "v2", Format.Oci, 30_000);
      registry.client().deleteManifest("app", doomed.digest());
    }
    assertThat(data.resolve(BUCKET).resolve(BucketBlobs.BLOBS)).isDirectory();

    try (S3Server s3 = S3Server.start(data);
        S3Registry registry = S3Registry.start(s3, BUCKET, dir.resolve("second"))) {
      new ImageVerifier(registry.client()).pull(kept);
      registry.stop();
      StorageSnapshot before = BucketBlobs.snapshot(s3, BUCKET);

      GarbageCollect gc = GarbageCollect.run(registry.configFile());

      assertThat(gc.exitCode()).as(gc.output()).isZero();
      assertThat(BucketBlobs.snapshot(s3, BUCKET).goneSince(before).keySet())
          .containsExactlyInAnyOrderElementsOf(doomed.blobDigests());
      String hex = doomed.config().digest().substring("sha256:".length());
      assertThat(
              Files.exists(
                  data.resolve(BUCKET)
                      .resolve(BucketBlobs.BLOBS + "sha256/" + hex.substring(0, 2) + "/" + hex)))
          .isFalse();
      registry.start();
      new ImageVerifier(registry.client()).pull(kept);
    }
  }
}
