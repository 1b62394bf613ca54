package dev.registryoperator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gc.GcHistory;
import dev.registryoperator.gc.GcRunRecord;
import dev.registryoperator.gc.GcRunResult;
import dev.registryoperator.gc.GcSchedule;
import dev.registryoperator.gc.GcScheduleSpec;
import dev.registryoperator.gc.GcScheduleStatus;
import dev.registryoperator.registry.MaintenanceMode;
import dev.registryoperator.registry.MaintenanceStatus;
import dev.registryoperator.registry.Registries;
import dev.registryoperator.registry.Registry;
import dev.registryoperator.registry.RegistryStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What Prometheus reads on /metrics, from GcSchedules' and Registries' status: no API, no mocks.
 */
class OperatorMetricsTest {
  private static final Instant START = Instant.parse("2026-11-26T03:00:00Z");

  private final OperatorMetrics metrics = new OperatorMetrics(Clock.fixed(START, ZoneOffset.UTC));

  private static GcRunRecord run(
      String id, GcRunResult result, String reason, long reclaimed, String start, String finish) {
    GcRunRecord run = new GcRunRecord();
    run.setId(id);
    run.setRegistry("images");
    run.setMode(MaintenanceMode.ReadOnly);
    run.setResult(result);
    run.setReason(reason);
    run.setReclaimedBytes(reclaimed);
    run.setEligibleBytes(reclaimed);
    run.setDryRun(false);
    run.setStartTime(start);
    run.setFinishTime(finish);
    run.setWritesRefusedSeconds(12L);
    return run;
  }

  private static GcSchedule schedule(GcRunRecord... newestLast) {
    GcSchedule schedule = new GcSchedule();
    schedule.setMetadata(
        new ObjectMetaBuilder().withName("nightly").withNamespace("team-a").withUid("u-1").build());
    GcScheduleSpec spec = new GcScheduleSpec();
    GcScheduleSpec.RegistryRef ref = new GcScheduleSpec.RegistryRef();
    ref.setName("images");
    spec.setRegistryRef(ref);
    schedule.setSpec(spec);
    GcScheduleStatus status = new GcScheduleStatus();
    for (GcRunRecord run : newestLast) {
      GcHistory.record(status, run, 5);
    }
    schedule.setStatus(status);
    return schedule;
  }

  /** A series as the text format writes it: labels sorted by name. */
  private static String series(String name, String... labels) {
    java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      sorted.put(labels[i], labels[i + 1]);
    }
    StringBuilder s = new StringBuilder(name).append('{');
    sorted.forEach((k, v) -> s.append(k).append("=\"").append(v).append("\","));
    s.setLength(s.length() - 1);
    return s.append('}').toString();
  }

  private static String runs(String result, String reason) {
    return series(
        "registry_operator_gc_runs_total",
        "namespace",
        "team-a",
        "gcschedule",
        "nightly",
        "registry",
        "images",
        "mode",
        "ReadOnly",
        "result",
        result,
        "reason",
        reason);
  }

  /** Each series (name and labels, as written) and its value. */
  private Map<String, Double> scrape() {
    return scrape(metrics);
  }

  private static Map<String, Double> scrape(OperatorMetrics metrics) {
    Map<String, Double> series = new HashMap<>();
    for (String line : metrics.scrape().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      series.put(line.substring(0, space), Double.valueOf(line.substring(space + 1)));
    }
    return series;
  }

  @Test
  void countersComeFromTheTotalsInStatusWithEveryResultAtZeroFromTheStart() {
    GcSchedule schedule =
        schedule(
            run(
                "r1",
                GcRunResult.Succeeded,
                "Collected",
                1000,
                "2026-11-25T03:00:00Z",
                "2026-11-25T03:01:00Z"),
            run(
                "r2",
                GcRunResult.Failed,
                "DeadlineExceeded",
                0,
                "2026-11-25T04:00:00Z",
                "2026-11-25T04:02:00Z"),
            run(
                "r3",
                GcRunResult.Succeeded,
                "Collected",
                500,
                "2026-11-25T05:00:00Z",
                "2026-11-25T05:00:30Z"));
    metrics.readSchedulesFrom(() -> Stream.of(schedule));

    Map<String, Double> series = scrape();
    String labels =
        "gcschedule=\"nightly\",mode=\"ReadOnly\",namespace=\"team-a\",registry=\"images\"";
    assertThat(series)
        .containsEntry(runs("Succeeded", "Collected"), 2.0)
        .containsEntry(runs("Failed", "DeadlineExceeded"), 1.0)
        .containsEntry(runs("Skipped", ""), 0.0)
        .containsEntry("registry_operator_gc_reclaimed_bytes_total{" + labels + "}", 1500.0)
        .containsEntry(
            "registry_operator_gc_last_success_timestamp_seconds{gcschedule=\"nightly\",namespace=\"team-a\",registry=\"images\"}",
            (double) Instant.parse("2026-11-25T05:00:30Z").getEpochSecond())
        .containsEntry(
            "registry_operator_gc_eligible_bytes{gcschedule=\"nightly\",namespace=\"team-a\",registry=\"images\"}",
            500.0)
        .containsEntry(
            "registry_operator_gc_consecutive_failures{gcschedule=\"nightly\",namespace=\"team-a\",registry=\"images\"}",
            0.0);
  }

  @Test
  void retentionCountersSumTheTagsRealRunsDeletedAndTheTagsWorkloadsProtected() {
    GcRunRecord first =
        run(
            "r1",
            GcRunResult.Succeeded,
            "Collected",
            100,
            "2026-11-25T03:00:00Z",
            "2026-11-25T03:01:00Z");
    first.setTagsDeleted(12L);
    first.setTagsProtected(1L);
    GcRunRecord dryRun =
        run(
            "r2",
            GcRunResult.Succeeded,
            "DryRunCompleted",
            0,
            "2026-11-25T04:00:00Z",
            "2026-11-25T04:01:00Z");
    dryRun.setDryRun(true);
    dryRun.setTagsDeleted(30L); // what a real run would delete: not deleted
    dryRun.setTagsProtected(2L);
    GcRunRecord second =
        run(
            "r3",
            GcRunResult.Succeeded,
            "Collected",
            100,
            "2026-11-25T05:00:00Z",
            "2026-11-25T05:01:00Z");
    second.setTagsDeleted(3L);
    metrics.readSchedulesFrom(() -> Stream.of(schedule(first, dryRun, second)));

    String labels = "gcschedule=\"nightly\",namespace=\"team-a\",registry=\"images\"";
    assertThat(scrape())
        .containsEntry("registry_operator_retention_tags_deleted_total{" + labels + "}", 15.0)
        .containsEntry("registry_operator_retention_tags_protected_total{" + labels + "}", 3.0);
    metrics.readSchedulesFrom(() -> Stream.of(schedule()));
    assertThat(scrape())
        .containsEntry("registry_operator_retention_tags_deleted_total{" + labels + "}", 0.0);
  }

  @Test
  void aScheduleThatNeverRanHasEverySeriesAlertsReadAtZero() {
    GcSchedule schedule = schedule();
    metrics.readSchedulesFrom(() -> Stream.of(schedule));
    Map<String, Double> series = scrape();
    String labels =
        "gcschedule=\"nightly\",mode=\"ReadOnly\",namespace=\"team-a\",registry=\"images\"";
    for (GcRunResult result : GcRunResult.values()) {
      assertThat(series).containsEntry(runs(result.name(), ""), 0.0);
    }
    assertThat(series)
        .containsEntry("registry_operator_gc_reclaimed_bytes_total{" + labels + "}", 0.0)
        .containsEntry(
            "registry_operator_gc_last_success_timestamp_seconds{gcschedule=\"nightly\",namespace=\"team-a\",registry=\"images\"}",
            0.0);
  }

  @Test
  void histogramsObserveEachRunFinishedSinceTheStartOnceAndNoneBefore() {
    GcRunRecord before =
        run(
            "r1",
            GcRunResult.Succeeded,
            "Collected",
            1,
            "2026-11-26T02:00:00Z",
            "2026-11-26T02:10:00Z");
    GcRunRecord after =
        run(
            "r2",
            GcRunResult.Succeeded,
            "Collected",
            1,
            "2026-11-26T03:05:00Z",
            "2026-11-26T03:06:40Z");
    GcSchedule schedule = schedule(before, after);
    metrics.readSchedulesFrom(() -> Stream.of(schedule));

    String labels =
        "gcschedule=\"nightly\",mode=\"ReadOnly\",namespace=\"team-a\",registry=\"images\"";
    for (int scrape = 0; scrape < 2; scrape++) {
      Map<String, Double> series = scrape();
      assertThat(series)
          .as("scrape %d", scrape)
          .containsEntry("registry_operator_gc_writes_refused_seconds_count{" + labels + "}", 1.0)
          .containsEntry("registry_operator_gc_writes_refused_seconds_sum{" + labels + "}", 12.0)
          .containsEntry(
              "registry_operator_gc_run_duration_seconds_sum{" + labels + ",result=\"Succeeded\"}",
              100.0);
    }

    GcRunRecord next =
        run(
            "r3",
            GcRunResult.Failed,
            "JobDeleted",
            0,
            "2026-11-26T04:00:00Z",
            "2026-11-26T04:00:10Z");
    GcHistory.record(schedule.getStatus(), next, 5);
    Map<String, Double> series = scrape();
    assertThat(series)
        .containsEntry("registry_operator_gc_writes_refused_seconds_count{" + labels + "}", 2.0)
        .containsEntry(
            "registry_operator_gc_run_duration_seconds_count{" + labels + ",result=\"Failed\"}",
            1.0)
        .containsEntry(
            "registry_operator_gc_consecutive_failures{gcschedule=\"nightly\",namespace=\"team-a\",registry=\"images\"}",
            1.0);
  }

  @Test
  void registriesAreCountedByPhaseAndAWindowReadsOne() {
    Registry ready = Registries.withPvc("a", "1Gi");
    ready.setStatus(new RegistryStatus());
    ready.getStatus().setPhase("Ready");
    Registry collecting = Registries.withPvc("b", "1Gi");
    collecting.setStatus(new RegistryStatus());
    collecting.getStatus().setPhase("Maintenance");
    collecting.getStatus().setMaintenance(new MaintenanceStatus());
    Registry fresh = Registries.withPvc("c", "1Gi");
    metrics.readRegistriesFrom(() -> Stream.of(ready, collecting, fresh));

    Map<String, Double> series = scrape();
    String ns = ready.getMetadata().getNamespace();
    assertThat(series)
        .containsEntry("registry_operator_registries{phase=\"Ready\"}", 1.0)
        .containsEntry("registry_operator_registries{phase=\"Maintenance\"}", 1.0)
        .containsEntry("registry_operator_registries{phase=\"Unknown\"}", 1.0)
        .containsEntry("registry_operator_registries{phase=\"Failed\"}", 0.0)
        .containsEntry(
            "registry_operator_registry_maintenance{namespace=\"" + ns + "\",registry=\"b\"}", 1.0)
        .containsEntry(
            "registry_operator_registry_maintenance{namespace=\"" + ns + "\",registry=\"a\"}", 0.0);
  }

  /** What a restarted operator (or a new leader) serves: counters as before, histograms empty. */
  @Test
  void aRestartedOperatorServesTheSameCountersAndEmptyHistograms() {
    GcSchedule schedule =
        schedule(
            run(
                "r1",
                GcRunResult.Succeeded,
                "Collected",
                700,
                "2026-11-26T03:01:00Z",
                "2026-11-26T03:02:00Z"));
    metrics.readSchedulesFrom(() -> Stream.of(schedule));
    Map<String, Double> before = scrape();

    OperatorMetrics restarted =
        new OperatorMetrics(Clock.fixed(START.plusSeconds(3600), ZoneOffset.UTC));
    restarted.readSchedulesFrom(() -> Stream.of(schedule));
    Map<String, Double> after = scrape(restarted);
    String labels =
        "gcschedule=\"nightly\",mode=\"ReadOnly\",namespace=\"team-a\",registry=\"images\"";
    assertThat(after)
        .containsEntry(runs("Succeeded", "Collected"), before.get(runs("Succeeded", "Collected")))
        .containsEntry("registry_operator_gc_reclaimed_bytes_total{" + labels + "}", 700.0)
        .doesNotContainKey("registry_operator_gc_writes_refused_seconds_count{" + labels + "}");
    assertThat(before)
        .containsEntry("registry_operator_gc_writes_refused_seconds_count{" + labels + "}", 1.0);
  }
}
