package dev.registryoperator.sandbox;

import dev.registryoperator.common.Conditions;
import dev.registryoperator.gc.GcRunStatus;
import dev.registryoperator.gc.GcSchedule;
import dev.registryoperator.gc.GcScheduleStatus;
import dev.registryoperator.registry.Registry;
import dev.registryoperator.registry.RegistryStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code kubectl get registries,gcschedules} would show (the CRDs' printer columns, which the
 * mock API server cannot serve), printed from the objects: for a Registry its name, ready, phase,
 * replicas and endpoint; for a GcSchedule its registry, mode, last result, reclaimed bytes and the
 * current run's step. Pure.
 */
public final class StatusTable {
  private StatusTable() {}

  public static String registries(List<Registry> registries) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("NAME", "READY", "PHASE", "REPLICAS", "ENDPOINT"));
    for (Registry r : registries) {
      RegistryStatus s = r.getStatus();
      rows.add(
          List.of(
              "registry/" + r.getMetadata().getName(),
              s == null
                  ? ""
                  : Conditions.find(s.getConditions(), "Ready").map(c -> c.getStatus()).orElse(""),
              s == null || s.getPhase() == null ? "" : s.getPhase(),
              s == null || s.getReplicasSummary() == null ? "" : s.getReplicasSummary(),
              s == null || s.getEndpoint() == null ? "" : s.getEndpoint()));
    }
    return format(rows);
  }

  public static String schedules(List<GcSchedule> schedules) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("NAME", "REGISTRY", "MODE", "LAST RESULT", "RECLAIMED", "STEP"));
    for (GcSchedule g : schedules) {
      GcScheduleStatus s = g.getStatus();
      GcRunStatus run = s == null ? null : s.getCurrentRun();
      rows.add(
          List.of(
              "gcschedule/" + g.getMetadata().getName(),
              g.getSpec().getRegistryRef() == null ? "" : g.getSpec().getRegistryRef().getName(),
              g.getSpec().effectiveMode().name(),
              s == null || s.getLastRun() == null
                  ? ""
                  : s.getLastRun().getResult() + " " + s.getLastRun().getReason(),
              s == null || s.getLastRun() == null || s.getLastRun().getReclaimed() == null
                  ? ""
                  : s.getLastRun().getReclaimed(),
              run == null ? "" : run.getId() + " " + run.getStep()));
    }
    return format(rows);
  }

  /**
   * The current run's message (what it waits for), one line per schedule with a run in progress.
   */
  public static List<String> runMessages(List<GcSchedule> schedules) {
    List<String> lines = new ArrayList<>();
    for (GcSchedule g : schedules) {
      GcRunStatus run = g.getStatus() == null ? null : g.getStatus().getCurrentRun();
      if (run != null && run.getMessage() != null) {
        lines.add(
            g.getMetadata().getName()
                + " "
                + run.getId()
                + " "
                + run.getStep()
                + ": "
                + run.getMessage());
      }
    }
    return lines;
  }

  /** Columns left-aligned, separated by three spaces, as kubectl prints them. */
  static String format(List<List<String>> rows) {
    int columns = rows.get(0).size();
    int[] width = new int[columns];
    for (List<String> row : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(row.get(i));
        if (i < columns - 1) {
          line.append(" ".repeat(width[i] - row.get(i).length() + 3));
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
