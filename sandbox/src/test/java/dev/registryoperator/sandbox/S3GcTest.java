package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gc.GcRunRecord;
import dev.registryoperator.gc.GcRunResult;
import dev.registryoperator.gcrunner.s3.BucketBlobs;
import dev.registryoperator.registry.MaintenanceMode;
import dev.registryoperator.s3server.S3Server;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole product on S3 storage: the example S3 Registry on a real S3 server (S3Proxy, on a
 * loopback port), a GC run in each mode, the bytes in status equal to the bytes that left the
 * bucket, and every tagged image still pulling with verified digests.
 */
class S3GcTest {
  private static final String BUCKET = "container-images";

  /** The example's rootDirectory, under which the registry keeps everything in the bucket. */
  private static final String ROOT = "registry/";

  @ParameterizedTest
  @EnumSource(MaintenanceMode.class)
  void theBytesInStatusAreTheBytesThatLeftTheBucketAndEveryKeptImagePulls(MaintenanceMode mode)
      throws Exception {
    try (S3Server s3 = S3Server.start();
        GcScenario s =
            GcScenario.start("s3-" + mode.name().toLowerCase())
                .s3RegistryAndSchedule(s3, BUCKET, spec -> spec.setMode(mode))) {
      SampleImages images = s.pushAndDeleteSamples(32 * 1024);
      Map<String, Long> before = blobs(s3);
      assertThat(before.keySet()).containsAll(images.garbageDigests());

      s.requestRun();
      GcRunRecord run = s.awaitRun(1);
      Map<String, Long> after = blobs(s3);

      assertThat(run.getResult()).as(run.getMessage()).isEqualTo(GcRunResult.Succeeded);
      long gone =
          before.entrySet().stream()
              .filter(e -> !after.containsKey(e.getKey()))
              .mapToLong(Map.Entry::getValue)
              .sum();
      assertThat(gone).isPositive();
      assertThat(run.getReclaimedBytes()).isEqualTo(gone);
      assertThat(run.getMessage()).contains("integrity verified");
      assertThat(after.keySet()).doesNotContainAnyElementsOf(images.garbageDigests());
      assertThat(after.keySet()).containsAll(images.keptDigests());
      GcScenario.eventually().untilAsserted(() -> assertThat(images.verifyKept()).isEqualTo(4));
    }
  }

  private static Map<String, Long> blobs(S3Server s3) {
    return BucketBlobs.snapshot(s3, BUCKET, ROOT).blobSizes();
  }
}
