package dev.registryoperator.sandbox;

import static dev.registryoperator.sandbox.GcScenario.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gc.GcRunRecord;
import dev.registryoperator.gc.GcRunResult;
import dev.registryoperator.gc.GcRunStep;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The operator is stopped while the GC Job collects (a registry binary that sleeps before
 * collecting keeps the runner busy) and a new one is started: the run resumes from status,
 * finishes, and service comes back (I4).
 */
class OperatorRestartTest {

  @Test
  void anOperatorStoppedDuringCollectingIsReplacedAndTheRunFinishes() throws Exception {
    String slow =
        """
        # The real registry, but the real garbage collection (not the dry run) starts 4 s late.
        if [ "$1" = "garbage-collect" ]; then
          case " $* " in *" --dry-run "*|*" -d "*) ;; *) sleep 4 ;; esac
        fi
        exec %s "$@"
        """
            .formatted(LocalImage.registryBinaryFromEnvironment());
    Path wrapper = GcScenario.script("operator-restart", "slow-registry", slow);
    try (GcScenario t =
        GcScenario.start("operator-restart", b -> b.gcRegistryBinary(wrapper))
            .registryAndSchedule(spec -> {})) {
      SampleImages images = t.pushAndDeleteSamples(32 * 1024);
      t.requestRun();
      eventually()
          .until(
              () ->
                  t.schedule().getStatus().getCurrentRun() != null
                      && t.schedule().getStatus().getCurrentRun().getStep() == GcRunStep.Collecting
                      && t.jobProcesses().stream().anyMatch(ProcessRecord::alive));

      t.sandbox.stopOperator();
      Thread.sleep(1500);
      ProcessRecord job = t.jobProcesses().get(0);
      assertThat(job.alive()).as("the GC Job runs on without the operator").isTrue();
      assertThat(t.schedule().getStatus().getCurrentRun().getStep())
          .isEqualTo(GcRunStep.Collecting);
      t.sandbox.startOperator();

      GcRunRecord run = t.awaitRun(1);
      assertThat(run.getResult()).as(run.getMessage()).isEqualTo(GcRunResult.Succeeded);
      assertThat(run.getReason()).isEqualTo("Collected");
      assertThat(t.jobProcesses()).as("one GC process, not restarted").hasSize(1);
      GcObserver.Observed gc = t.observer.lastCollection().orElseThrow();
      assertThat(run.getReclaimedBytes()).isPositive().isEqualTo(gc.bytesFreed());

      t.user.awaitRegistryServing(GcScenario.REGISTRY, GcScenario.TIMEOUT);
      try (TrafficProbe traffic = new TrafficProbe(t.url, "probe/pusher", Duration.ofMillis(20))) {
        traffic.startPushing();
        GcScenario.awaitPushesSucceed(traffic, Instant.EPOCH, 2);
      }
      images.verifyKept();
    }
  }
}
