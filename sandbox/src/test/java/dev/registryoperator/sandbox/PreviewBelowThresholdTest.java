package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gc.GcRunRecord;
import dev.registryoperator.gc.GcRunResult;
import dev.registryoperator.sandbox.TrafficProbe.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A run with a preview and {@code minReclaimableBytes} above what is reclaimable: the dry-run
 * preview runs while the registry stays writable, the run is Skipped, pushes are never refused and
 * nothing is deleted.
 */
class PreviewBelowThresholdTest {

  @Test
  void aPreviewBelowTheThresholdSkipsTheRunWithoutEverRefusingAPush() throws Exception {
    long tib = 1L << 40;
    try (GcScenario s =
        GcScenario.start("preview-below-threshold")
            .registryAndSchedule(spec -> spec.setMinReclaimableBytes(tib))) {
      s.pushAndDeleteSamples(32 * 1024);
      Map<String, Long> before = GcScenario.files(s.storage());
      ProcessRecord registry = s.registryProcesses().get(0);

      GcRunRecord run;
      try (TrafficProbe traffic = new TrafficProbe(s.url, "probe/pusher", Duration.ofMillis(20))) {
        traffic.startPushing();
        GcScenario.awaitPushesSucceed(traffic, Instant.EPOCH, 3);
        s.requestRun();
        run = s.awaitRun(1);
        GcScenario.awaitPushesSucceed(traffic, Instant.now(), 3);
        assertThat(traffic.pushes())
            .allSatisfy(a -> assertThat(a.outcome()).as(a.toString()).isEqualTo(Outcome.Ok));
        assertThat(traffic.refusedWindow()).isEmpty();
      }

      assertThat(run.getResult()).isEqualTo(GcRunResult.Skipped);
      assertThat(run.getReason()).isEqualTo("BelowThreshold");
      assertThat(run.getEligibleBytes()).isPositive().isLessThan(tib);
      assertThat(run.getWriteUnavailableSeconds()).isZero();
      assertThat(run.getWritesRefusedSeconds()).isZero();
      assertThat(s.jobProcesses())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.command()).contains("--dry-run");
                assertThat(p.exitCode()).isZero();
              });
      // No window at all: the registry process that served before still serves, nothing was
      // deleted.
      assertThat(s.registryProcesses()).containsExactly(registry);
      assertThat(registry.alive()).isTrue();
      assertThat(GcScenario.files(s.storage())).containsAllEntriesOf(before);
    }
  }
}
