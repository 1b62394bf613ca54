package dev.registryoperator.gc;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a GcSchedule's finished runs: newest first and bounded, with the totals that outlive the
 * bounded history (bytes reclaimed, runs counted by how they ended, the last success). Pure.
 */
public final class GcHistory {
  private GcHistory() {}

  public static void record(GcScheduleStatus status, GcRunRecord run, int limit) {
    List<GcRunRecord> history = new ArrayList<>();
    if (status.getHistory() != null) {
      history.addAll(status.getHistory());
    }
    if (status.getTotals() == null) {
      // a status from before totals were kept: count what its history still holds
      List<GcRunTotal> totals = new ArrayList<>();
      for (int i = history.size() - 1; i >= 0; i--) {
        count(totals, history.get(i));
      }
      status.setTotals(totals);
    }
    history.add(0, run);
    status.setHistory(new ArrayList<>(history.subList(0, Math.min(limit, history.size()))));
    status.setLastRun(run);
    long total = status.getTotalReclaimedBytes() == null ? 0 : status.getTotalReclaimedBytes();
    status.setTotalReclaimedBytes(
        total + (run.getReclaimedBytes() == null ? 0 : run.getReclaimedBytes()));
    List<GcRunTotal> totals = new ArrayList<>(status.getTotals());
    count(totals, run);
    status.setTotals(totals);
    if (run.getResult() == GcRunResult.Succeeded && !Boolean.TRUE.equals(run.getDryRun())) {
      status.setLastSuccessTime(run.getFinishTime());
    }
    long failures = status.getConsecutiveFailures() == null ? 0 : status.getConsecutiveFailures();
    if (run.getResult() == GcRunResult.Failed) {
      status.setConsecutiveFailures(failures + 1);
    } else if (run.getResult() == GcRunResult.Succeeded) {
      status.setConsecutiveFailures(0L);
    }
  }

  private static void count(List<GcRunTotal> totals, GcRunRecord run) {
    GcRunTotal total =
        totals.stream()
            .filter(t -> t.counts(run))
            .findFirst()
            .orElseGet(
                () -> {
                  GcRunTotal added =
                      new GcRunTotal(
                          run.getRegistry(), run.getMode(), run.getResult(), run.getReason());
                  totals.add(added);
                  return added;
                });
    total.add(run);
  }
}
