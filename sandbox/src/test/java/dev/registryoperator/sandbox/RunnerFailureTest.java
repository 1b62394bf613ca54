package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gc.GcRunRecord;
import dev.registryoperator.gc.GcRunResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The GC runner fails (its registry binary cannot collect: exit 1): service comes back, the run is
 * Failed with the runner's own message in status, and nothing was deleted.
 */
class RunnerFailureTest {

  @Test
  void aFailingRunnerLeavesTheRunFailedWithItsMessageAndServiceRestored() throws Exception {
    Path failing =
        GcScenario.script(
            "runner-failure",
            "failing-registry",
            """
        # The real registry, except that garbage collection fails as on an unreadable storage.
        if [ "$1" = "garbage-collect" ]; then
          echo "failed to garbage collect: failed to mark: filesystem: permission denied" >&2
          exit 1
        fi
        exec %s "$@"
        """
                .formatted(LocalImage.registryBinaryFromEnvironment()));
    try (GcScenario s =
        GcScenario.start("runner-failure", b -> b.gcRegistryBinary(failing))
            .registryAndSchedule(spec -> {})) {
      SampleImages images = s.pushAndDeleteSamples(32 * 1024);
      Map<String, Long> before = GcScenario.files(s.storage());

      s.requestRun();
      GcRunRecord run = s.awaitRun(1);

      GcObserver.Observed gc = s.observer.lastCollection().orElseThrow();
      assertThat(gc.job().exitCode()).isEqualTo(3);
      String runnerMessage = gc.reportJson().orElseThrow().path("message").asText();
      assertThat(runnerMessage).isNotBlank();
      assertThat(run.getResult()).isEqualTo(GcRunResult.Failed);
      assertThat(run.getReason()).isEqualTo("GarbageCollectFailed");
      assertThat(run.getMessage()).isEqualTo(runnerMessage).contains("permission denied");
      assertThat(run.getReclaimedBytes()).isZero();
      assertThat(GcScenario.files(s.storage())).as("nothing deleted").containsAllEntriesOf(before);

      // Service is back: writable, new pods, pushes accepted, every image intact.
      s.user.awaitRegistryServing(GcScenario.REGISTRY, GcScenario.TIMEOUT);
      assertThat(
              s.user
                  .registry(GcScenario.REGISTRY)
                  .getStatus()
                  .getLastGarbageCollection()
                  .getResult())
          .isEqualTo("Failed");
      try (TrafficProbe traffic = new TrafficProbe(s.url, "probe/pusher", Duration.ofMillis(20))) {
        traffic.startPushing();
        GcScenario.awaitPushesSucceed(traffic, Instant.EPOCH, 2);
      }
      images.verifyKept();
    }
  }
}
