package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gc.GcRunRecord;
import dev.registryoperator.gc.GcRunResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code deleteUntagged} on a storage with tagged multi-arch images, with the 2.8.2 binary (whose
 * {@code --delete-untagged} deletes the children of tagged indexes): the runner refuses, nothing at
 * all is deleted, service is restored, and status says why, naming the images at risk.
 */
class DeleteUntaggedRefusedTest {

  @Test
  void deleteUntaggedIsRefusedOn28WithATaggedIndexAndNothingIsDeleted() throws Exception {
    try (GcScenario s =
        GcScenario.start("delete-untagged-refused")
            .registryAndSchedule(spec -> spec.setDeleteUntagged(true))) {
      SampleImages images = s.pushAndDeleteSamples(32 * 1024);
      Map<String, Long> before = GcScenario.files(s.storage());

      s.requestRun();
      GcRunRecord run = s.awaitRun(1);

      GcObserver.Observed gc = s.observer.lastCollection().orElseThrow();
      assertThat(gc.job().command()).contains("--delete-untagged");
      assertThat(gc.job().exitCode()).isEqualTo(4);
      assertThat(run.getResult()).isEqualTo(GcRunResult.Failed);
      assertThat(run.getReason()).isEqualTo("PreflightRefused");
      assertThat(run.getMessage())
          .contains("team/base:latest", "team/tools:latest")
          .isEqualTo(gc.reportJson().orElseThrow().path("message").asText());
      assertThat(gc.after().blobSizes()).as("no blob deleted").isEqualTo(gc.before().blobSizes());
      assertThat(run.getReclaimedBytes()).isZero();

      s.user.awaitRegistryServing(GcScenario.REGISTRY, GcScenario.TIMEOUT);
      assertThat(GcScenario.files(s.storage()))
          .as("no manifest link, tag or blob removed or changed")
          .isEqualTo(before);
      images.verifyKept();
      try (TrafficProbe traffic = new TrafficProbe(s.url, "probe/pusher", Duration.ofMillis(20))) {
        traffic.startPushing();
        GcScenario.awaitPushesSucceed(traffic, Instant.EPOCH, 2);
      }
    }
  }
}
