package dev.registryoperator.sandbox;

import static dev.registryoperator.sandbox.GcScenario.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gc.GcRunRecord;
import dev.registryoperator.gc.GcRunResult;
import dev.registryoperator.sandbox.TrafficProbe.Attempt;
import dev.registryoperator.sandbox.TrafficProbe.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A ReadOnly GC run against real registry processes, end to end: while it runs a concurrent pusher
 * gets HTTP 405 and its pulls keep working; afterwards pushes work again, the reclaimed bytes in
 * status are exactly the blob data that left the disk, and every still-tagged image pulls with
 * verified digests.
 */
class ReadOnlyGcTest {

  @Test
  void pushesAreRefusedOnlyDuringTheWindowPullsKeepWorkingAndExactlyTheGarbageIsFreed()
      throws Exception {
    try (GcScenario s = GcScenario.start("read-only").registryAndSchedule(spec -> {})) {
      SampleImages images = s.pushAndDeleteSamples(64 * 1024);
      assertThat(images.garbageDigests()).isNotEmpty();

      TrafficProbe traffic = new TrafficProbe(s.url, "probe/pusher", Duration.ofMillis(20));
      Instant requested;
      GcRunRecord run;
      try (traffic) {
        traffic.startPushing().startPulling("team/web", "stable");
        GcScenario.awaitPushesSucceed(traffic, Instant.EPOCH, 3);
        requested = Instant.now();
        s.requestRun();
        run = s.awaitRun(1);
        GcScenario.awaitPushesSucceed(traffic, Instant.now(), 3);
      }

      assertThat(run.getResult()).isEqualTo(GcRunResult.Succeeded);
      assertThat(run.getReason()).isEqualTo("Collected");
      GcObserver.Observed gc = s.observer.lastCollection().orElseThrow();
      Instant gcStart = gc.job().startedAt();
      Instant gcEnd = gc.job().exitedAt();

      // While the GC ran, every push was refused with 405, and no registry pod could write (I2).
      List<Attempt> duringGc =
          traffic.pushes().stream().filter(a -> a.overlaps(gcStart, gcEnd)).toList();
      assertThat(duringGc)
          .as("push attempts while the GC process ran")
          .isNotEmpty()
          .allSatisfy(a -> assertThat(a.outcome()).as(a.toString()).isEqualTo(Outcome.Refused));
      // Pushes were refused only around the run, never failed otherwise, and work again after it.
      List<Attempt> notOk =
          traffic.pushes().stream().filter(a -> a.outcome() != Outcome.Ok).toList();
      Instant finished =
          Instant.parse(s.schedule().getStatus().getLastRun().getFinishTime()).plusSeconds(1);
      assertThat(notOk)
          .allSatisfy(
              a -> {
                assertThat(a.outcome()).as(a.toString()).isEqualTo(Outcome.Refused);
                assertThat(a.detail()).contains("HTTP 405");
                assertThat(a.overlaps(requested, finished)).as(a.toString()).isTrue();
              });
      TrafficProbe.Window window = traffic.refusedWindow().orElseThrow();
      assertThat(window.firstRefused()).isBefore(gcStart);
      assertThat(window.firstSuccessAfter()).isAfter(gcEnd);
      assertThat(window.duration().toMillis())
          .as("the pusher's window fits the status' upper bound")
          .isLessThanOrEqualTo((run.getWriteUnavailableSeconds() + 1) * 1000);
      // the operator's own view of the window (whole seconds, from no writable pod left to writes
      // served)
      assertThat(run.getWritesRefusedSeconds()).isBetween(0L, run.getWriteUnavailableSeconds());
      assertThat(run.getWritesRefusedSeconds() * 1000)
          .as("status writesRefusedSeconds against the pusher's window")
          .isLessThanOrEqualTo(window.duration().toMillis() + 1000);
      // Pulls kept working the whole time, also while the GC ran.
      assertThat(traffic.pulls())
          .allSatisfy(a -> assertThat(a.outcome()).as(a.toString()).isEqualTo(Outcome.Ok));
      assertThat(traffic.pulls().stream().filter(a -> a.overlaps(gcStart, gcEnd))).isNotEmpty();

      // Bytes: status says exactly what left the disk; the garbage is gone, everything referenced
      // stays (I6).
      assertThat(gc.bytesFreed()).isPositive();
      assertThat(run.getReclaimedBytes()).isEqualTo(gc.bytesFreed());
      // (also gone: blobs of pushes cut off by the window, uploaded but never referenced by a
      // manifest)
      assertThat(gc.after().goneSince(gc.before()).keySet()).containsAll(images.garbageDigests());
      assertThat(images.keptDigests())
          .allSatisfy(d -> assertThat(gc.after().contains(d)).as(d).isTrue());
      assertThat(images.verifyKept()).isEqualTo(4);
      assertThat(images.verifyTags(traffic.pushRepository(), traffic.pushedTags())).isPositive();

      // What Prometheus scrapes from the operator says what status says, bytes as on disk.
      ScrapedMetrics metrics = ScrapedMetrics.of(s.sandbox.metricsUrl());
      String[] schedule = {"namespace", Sandbox.NAMESPACE, "gcschedule", GcScenario.SCHEDULE};
      assertThat(
              metrics.value(
                  "registry_operator_gc_runs_total",
                  with(schedule, "result", "Succeeded", "reason", "Collected", "mode", "ReadOnly")))
          .contains(1.0);
      assertThat(metrics.value("registry_operator_gc_reclaimed_bytes_total", schedule))
          .contains((double) gc.bytesFreed());
      assertThat(metrics.value("registry_operator_gc_writes_refused_seconds_count", schedule))
          .contains(1.0);
      assertThat(metrics.value("registry_operator_gc_writes_refused_seconds_sum", schedule))
          .contains((double) run.getWritesRefusedSeconds());
      assertThat(metrics.value("registry_operator_gc_run_duration_seconds_sum", schedule))
          .contains(
              (double)
                  Duration.between(
                          Instant.parse(run.getStartTime()), Instant.parse(run.getFinishTime()))
                      .toSeconds());
      assertThat(metrics.value("registry_operator_gc_last_success_timestamp_seconds", schedule))
          .contains((double) Instant.parse(run.getFinishTime()).getEpochSecond());
      assertThat(metrics.value("registry_operator_gc_consecutive_failures", schedule))
          .contains(0.0);
      assertThat(metrics.value("registry_operator_gc_eligible_bytes", schedule))
          .contains((double) (run.getEligibleBytes() == null ? 0L : run.getEligibleBytes()));
      assertThat(
              metrics.value(
                  "registry_operator_registry_maintenance",
                  "namespace",
                  Sandbox.NAMESPACE,
                  "registry",
                  run.getRegistry()))
          .contains(0.0);
      // every GC series, and JOSDK's (its failure and delete counters appear with the first one)
      assertThat(metrics.names())
          .containsAll(MetricNames.OPERATOR)
          .contains(
              "operator_sdk_reconciliations_started_total",
              "operator_sdk_reconciliations_success_total",
              "operator_sdk_events_received_total",
              "operator_sdk_controllers_execution_reconcile_success_total",
              "operator_sdk_controllers_execution_reconcile_seconds_count")
          .allSatisfy(
              name ->
                  assertThat(
                          !name.startsWith("registry_operator_") || MetricNames.ALL.contains(name))
                      .as("%s is listed in MetricNames (what alerts and dashboards may read)", name)
                      .isTrue());

      // The restore replaced the registry's pods (their blob cache is stale after GC).
      eventually()
          .untilAsserted(
              () ->
                  assertThat(
                          s.sandbox.runtime().live().stream()
                              .filter(p -> p.kind() == ProcessRecord.Kind.Registry))
                      .singleElement()
                      .satisfies(p -> assertThat(p.startedAt()).isAfter(gcEnd)));
    }
  }

  private static String[] with(String[] labels, String... more) {
    String[] all = java.util.Arrays.copyOf(labels, labels.length + more.length);
    System.arraycopy(more, 0, all, labels.length, more.length);
    return all;
  }
}
