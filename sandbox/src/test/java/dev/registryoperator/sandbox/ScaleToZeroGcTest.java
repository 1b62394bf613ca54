package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gc.GcRunRecord;
import dev.registryoperator.gc.GcRunResult;
import dev.registryoperator.registry.MaintenanceMode;
import dev.registryoperator.sandbox.TrafficProbe.Attempt;
import dev.registryoperator.sandbox.TrafficProbe.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A ScaleToZero GC run against real processes: the GC process starts only after every registry
 * process has exited (told by the runtime, not by the API), nothing serves while it runs, and
 * afterwards pushes work again, the reclaimed bytes are exact and every tagged image pulls intact.
 */
class ScaleToZeroGcTest {

  @Test
  void noRegistryProcessIsAliveWhileTheGcRunsAndServiceComesBack() throws Exception {
    try (GcScenario s =
        GcScenario.start("scale-to-zero")
            .registryAndSchedule(spec -> spec.setMode(MaintenanceMode.ScaleToZero))) {
      SampleImages images = s.pushAndDeleteSamples(64 * 1024);

      TrafficProbe traffic = new TrafficProbe(s.url, "probe/pusher", Duration.ofMillis(20));
      GcRunRecord run;
      try (traffic) {
        traffic.startPushing();
        GcScenario.awaitPushesSucceed(traffic, Instant.EPOCH, 3);
        s.requestRun();
        run = s.awaitRun(1);
        GcScenario.awaitPushesSucceed(traffic, Instant.now(), 3);
      }

      assertThat(run.getResult()).isEqualTo(GcRunResult.Succeeded);
      GcObserver.Observed gc = s.observer.lastCollection().orElseThrow();
      Instant gcStart = gc.job().startedAt();
      Instant gcEnd = gc.job().exitedAt();
      // I2 from the processes themselves: every registry process had exited before the GC process
      // started,
      // and none started before it had exited.
      assertThat(s.registryProcesses())
          .hasSizeGreaterThanOrEqualTo(2)
          .allSatisfy(
              p ->
                  assertThat(p.aliveDuring(gcStart, gcEnd))
                      .as("%s alive while GC ran (%s .. %s)", p, gcStart, gcEnd)
                      .isFalse());
      assertThat(s.registryProcesses().stream().filter(p -> p.startedAt().isBefore(gcStart)))
          .allSatisfy(p -> assertThat(p.exitedAt()).isBefore(gcStart));

      // Nothing served while the GC ran: pushes could not even connect; before and after they
      // worked.
      List<Attempt> duringGc =
          traffic.pushes().stream().filter(a -> a.overlaps(gcStart, gcEnd)).toList();
      assertThat(duringGc)
          .isNotEmpty()
          .allSatisfy(a -> assertThat(a.outcome()).as(a.toString()).isEqualTo(Outcome.Unavailable));
      assertThat(traffic.pushes().stream().filter(a -> a.outcome() == Outcome.Ok))
          .noneMatch(a -> a.overlaps(gcStart, gcEnd));
      TrafficProbe.Window window = traffic.refusedWindow().orElseThrow();
      assertThat(window.firstSuccessAfter()).isAfter(gcEnd);

      assertThat(run.getReclaimedBytes()).isPositive().isEqualTo(gc.bytesFreed());
      assertThat(gc.after().goneSince(gc.before()).keySet()).containsAll(images.garbageDigests());
      assertThat(images.keptDigests())
          .allSatisfy(d -> assertThat(gc.after().contains(d)).as(d).isTrue());
      images.verifyKept();
      images.verifyTags(traffic.pushRepository(), traffic.pushedTags());
    }
  }
}
