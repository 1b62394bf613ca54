package dev.registryoperator.metrics;

import dev.registryoperator.gc.GcRunRecord;
import dev.registryoperator.gc.GcSchedule;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How long GC runs took and refused writes, as histograms fed from the runs GcSchedules record in
 * status: each run finished since this operator started is observed once, whichever replica wrote
 * it, and a status write retried after a conflict is not counted twice. Runs that finished before
 * the start are not (their figures stay in status.history): histograms start empty with each
 * process, as Prometheus expects of them.
 */
final class GcRunHistograms {
  static final String WRITES_REFUSED = "registry_operator_gc_writes_refused_seconds";
  static final String RUN_DURATION = "registry_operator_gc_run_duration_seconds";

  /** From a second to two hours: a window of a few seconds on a small registry, hours on S3. */
  private static final double[] BUCKETS = {1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200};

  private final Instant since;
  private final Histogram writesRefused;
  private final Histogram duration;

  /** Per GcSchedule uid, the newest run already observed. */
  private final Map<String, String> observed = new HashMap<>();

  GcRunHistograms(PrometheusRegistry registry, Instant since) {
    this.since = since;
    this.writesRefused =
        Histogram.builder()
            .name(WRITES_REFUSED)
            .unit(Unit.SECONDS)
            .help("How long each GC run refused pushes (read-only or at zero), per run.")
            .labelNames("namespace", "gcschedule", "registry", "mode")
            .classicOnly()
            .classicUpperBounds(BUCKETS)
            .register(registry);
    this.duration =
        Histogram.builder()
            .name(RUN_DURATION)
            .unit(Unit.SECONDS)
            .help("How long each GC run took, from its start to service restored.")
            .labelNames("namespace", "gcschedule", "registry", "mode", "result")
            .classicOnly()
            .classicUpperBounds(BUCKETS)
            .register(registry);
  }

  /** Observes the runs finished since the last call (or since the start); returns how many. */
  synchronized int observe(Collection<GcSchedule> schedules) {
    int count = 0;
    for (GcSchedule schedule : schedules) {
      String uid = schedule.getMetadata().getUid();
      List<GcRunRecord> history =
          schedule.getStatus() == null || schedule.getStatus().getHistory() == null
              ? List.of()
              : schedule.getStatus().getHistory();
      if (history.isEmpty()) {
        continue;
      }
      List<GcRunRecord> fresh = new ArrayList<>();
      for (GcRunRecord run : history) {
        if (run.getId() != null && run.getId().equals(observed.get(uid))) {
          break;
        }
        if (!finishedSinceStart(run)) {
          break;
        }
        fresh.add(run);
      }
      for (int i = fresh.size() - 1; i >= 0; i--) {
        observe(schedule, fresh.get(i));
        count++;
      }
      observed.put(uid, history.get(0).getId());
    }
    return count;
  }

  private void observe(GcSchedule schedule, GcRunRecord run) {
    String namespace = schedule.getMetadata().getNamespace();
    String name = schedule.getMetadata().getName();
    String registry = run.getRegistry() == null ? "" : run.getRegistry();
    String mode = run.getMode() == null ? "" : run.getMode().name();
    if (!Boolean.TRUE.equals(run.getDryRun()) && run.getWritesRefusedSeconds() != null) {
      writesRefused
          .labelValues(namespace, name, registry, mode)
          .observe(run.getWritesRefusedSeconds());
    }
    seconds(run)
        .ifPresent(
            s ->
                duration
                    .labelValues(
                        namespace,
                        name,
                        registry,
                        mode,
                        run.getResult() == null ? "" : run.getResult().name())
                    .observe(s));
  }

  private boolean finishedSinceStart(GcRunRecord run) {
    try {
      return run.getFinishTime() != null && !Instant.parse(run.getFinishTime()).isBefore(since);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static java.util.Optional<Double> seconds(GcRunRecord run) {
    try {
      return java.util.Optional.of(
          (double)
              Duration.between(
                      Instant.parse(run.getStartTime()), Instant.parse(run.getFinishTime()))
                  .toSeconds());
    } catch (RuntimeException e) {
      return java.util.Optional.empty();
    }
  }
}
