package dev.registryoperator.metrics;

import dev.registryoperator.gc.GcRunRecord;
import dev.registryoperator.gc.GcRunResult;
import dev.registryoperator.gc.GcRunTotal;
import dev.registryoperator.gc.GcSchedule;
import dev.registryoperator.gc.GcScheduleStatus;
import dev.registryoperator.registry.Registry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The metrics read from the status of GcSchedules and Registries, as they are when Prometheus
 * scrapes: the counters come from the totals each GcSchedule keeps in status, so they survive a
 * restart of the operator and a change of leader, and every series a user alerts on exists (at 0)
 * from the moment its object does. Pure: no API, no clock.
 */
public final class GcStatusMetrics {
  public static final String RUNS = "registry_operator_gc_runs";
  public static final String RECLAIMED_BYTES = "registry_operator_gc_reclaimed_bytes";
  public static final String ELIGIBLE_BYTES = "registry_operator_gc_eligible_bytes";
  public static final String LAST_SUCCESS = "registry_operator_gc_last_success_timestamp_seconds";
  public static final String CONSECUTIVE_FAILURES = "registry_operator_gc_consecutive_failures";
  public static final String TAGS_DELETED = "registry_operator_retention_tags_deleted";
  public static final String TAGS_PROTECTED = "registry_operator_retention_tags_protected";
  public static final String MAINTENANCE = "registry_operator_registry_maintenance";
  public static final String REGISTRIES = "registry_operator_registries";

  /** Every phase a Registry reports, and Unknown for one not reconciled yet. */
  static final List<String> PHASES =
      List.of("Pending", "Progressing", "Ready", "Maintenance", "Stopped", "Failed", "Unknown");

  private GcStatusMetrics() {}

  public static MetricSnapshots of(
      Collection<GcSchedule> schedules, Collection<Registry> registries) {
    CounterSnapshot.Builder runs =
        counter(RUNS, "Finished GC runs, by how they ended (result and reason).");
    CounterSnapshot.Builder reclaimed =
        counter(RECLAIMED_BYTES, "Bytes the GC runs freed in the registry's storage.");
    GaugeSnapshot.Builder eligible =
        gauge(
            ELIGIBLE_BYTES,
            "Bytes the last run that measured them found unreferenced (its preview).");
    GaugeSnapshot.Builder lastSuccess =
        gauge(
            LAST_SUCCESS,
            "When the last run that collected finished (Unix time; 0 when none has).");
    CounterSnapshot.Builder tagsDeleted =
        counter(TAGS_DELETED, "Tags the schedule's retention rules deleted before GC.");
    CounterSnapshot.Builder tagsProtected =
        counter(
            TAGS_PROTECTED,
            "Tags the retention rules would have deleted but kept because a workload uses them.");
    GaugeSnapshot.Builder failures =
        gauge(
            CONSECUTIVE_FAILURES,
            "Runs that failed since the last one that succeeded (skipped runs not counted).");
    for (GcSchedule schedule : schedules) {
      String namespace = schedule.getMetadata().getNamespace();
      String name = schedule.getMetadata().getName();
      GcScheduleStatus status = schedule.getStatus();
      String registry = registryOf(schedule);
      String mode =
          schedule.getSpec() == null ? "" : String.valueOf(schedule.getSpec().effectiveMode());
      // each result of a run of the schedule as it is now, at 0 (reason "", which PromQL reads as
      // no reason) from the start, so a sum by result exists before the first run
      Map<List<String>, long[]> byRun = new LinkedHashMap<>();
      Map<List<String>, long[]> bytes = new LinkedHashMap<>();
      for (GcRunResult result : GcRunResult.values()) {
        byRun.put(List.of(registry, mode, result.name(), ""), new long[1]);
      }
      bytes.put(List.of(registry, mode), new long[1]);
      List<GcRunTotal> totals =
          status == null || status.getTotals() == null ? List.of() : status.getTotals();
      for (GcRunTotal total : totals) {
        String totalMode = total.getMode() == null ? "" : total.getMode().name();
        String result = total.getResult() == null ? "" : total.getResult().name();
        String reason = total.getReason() == null ? "" : total.getReason();
        byRun
                .computeIfAbsent(
                    List.of(nullToEmpty(total.getRegistry()), totalMode, result, reason),
                    k -> new long[1])[0] +=
            orZero(total.getRuns());
        bytes
                .computeIfAbsent(
                    List.of(nullToEmpty(total.getRegistry()), totalMode), k -> new long[1])[0] +=
            orZero(total.getReclaimedBytes());
      }
      byRun.forEach(
          (k, v) ->
              runs.dataPoint(
                  CounterDataPointSnapshot.builder()
                      .labels(
                          Labels.of(
                              "namespace", namespace,
                              "gcschedule", name,
                              "registry", k.get(0),
                              "mode", k.get(1),
                              "result", k.get(2),
                              "reason", k.get(3)))
                      .value(v[0])
                      .build()));
      bytes.forEach(
          (k, v) ->
              reclaimed.dataPoint(
                  CounterDataPointSnapshot.builder()
                      .labels(
                          Labels.of(
                              "namespace",
                              namespace,
                              "gcschedule",
                              name,
                              "registry",
                              k.get(0),
                              "mode",
                              k.get(1)))
                      .value(v[0])
                      .build()));
      Labels scheduleLabels =
          Labels.of("namespace", namespace, "gcschedule", name, "registry", registry);
      tagsDeleted.dataPoint(
          CounterDataPointSnapshot.builder()
              .labels(scheduleLabels)
              .value(totals.stream().mapToLong(t -> orZero(t.getTagsDeleted())).sum())
              .build());
      tagsProtected.dataPoint(
          CounterDataPointSnapshot.builder()
              .labels(scheduleLabels)
              .value(totals.stream().mapToLong(t -> orZero(t.getTagsProtected())).sum())
              .build());
      eligible.dataPoint(
          GaugeDataPointSnapshot.builder()
              .labels(scheduleLabels)
              .value(lastEligibleBytes(status).orElse(0L))
              .build());
      lastSuccess.dataPoint(
          GaugeDataPointSnapshot.builder()
              .labels(scheduleLabels)
              .value(
                  status == null || status.getLastSuccessTime() == null
                      ? 0
                      : epochSeconds(status.getLastSuccessTime()))
              .build());
      failures.dataPoint(
          GaugeDataPointSnapshot.builder()
              .labels(scheduleLabels)
              .value(status == null ? 0 : orZero(status.getConsecutiveFailures()))
              .build());
    }

    GaugeSnapshot.Builder maintenance =
        gauge(
            MAINTENANCE,
            "1 while a GC maintenance window is in effect on the registry (read-only or at zero), else 0.");
    Map<String, Integer> phases = new TreeMap<>();
    PHASES.forEach(p -> phases.put(p, 0));
    for (Registry registry : registries) {
      boolean inWindow =
          registry.getStatus() != null && registry.getStatus().getMaintenance() != null;
      maintenance.dataPoint(
          GaugeDataPointSnapshot.builder()
              .labels(
                  Labels.of(
                      "namespace", registry.getMetadata().getNamespace(),
                      "registry", registry.getMetadata().getName()))
              .value(inWindow ? 1 : 0)
              .build());
      String phase =
          registry.getStatus() == null || registry.getStatus().getPhase() == null
              ? "Unknown"
              : registry.getStatus().getPhase();
      phases.merge(phase, 1, Integer::sum);
    }
    GaugeSnapshot.Builder byPhase = gauge(REGISTRIES, "Registries by phase.");
    phases.forEach(
        (phase, count) ->
            byPhase.dataPoint(
                GaugeDataPointSnapshot.builder()
                    .labels(Labels.of("phase", phase))
                    .value(count)
                    .build()));
    return MetricSnapshots.of(
        runs.build(),
        reclaimed.build(),
        eligible.build(),
        lastSuccess.build(),
        failures.build(),
        tagsDeleted.build(),
        tagsProtected.build(),
        maintenance.build(),
        byPhase.build());
  }

  private static GaugeSnapshot.Builder gauge(String name, String help) {
    return GaugeSnapshot.builder().name(name).help(help);
  }

  private static CounterSnapshot.Builder counter(String name, String help) {
    return CounterSnapshot.builder().name(name).help(help);
  }

  static String registryOf(GcSchedule schedule) {
    return schedule.getSpec() == null
            || schedule.getSpec().getRegistryRef() == null
            || schedule.getSpec().getRegistryRef().getName() == null
        ? ""
        : schedule.getSpec().getRegistryRef().getName();
  }

  /** The newest run that measured its eligible bytes (a preview, a dry run or a collection). */
  private static Optional<Long> lastEligibleBytes(GcScheduleStatus status) {
    if (status == null || status.getHistory() == null) {
      return Optional.empty();
    }
    return status.getHistory().stream()
        .map(GcRunRecord::getEligibleBytes)
        .filter(b -> b != null)
        .findFirst();
  }

  private static double epochSeconds(String time) {
    try {
      return Instant.parse(time).getEpochSecond();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }
}
