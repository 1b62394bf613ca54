package dev.registryoperator.gc;

import java.util.ArrayList;
import java.util.List;

/** Keeps a GcSchedule's finished runs: newest first, bounded, with the running total. Pure. */
public final class GcHistory {
  private GcHistory() {}

  public static void record(GcScheduleStatus status, GcRunRecord run, int limit) {
    List<GcRunRecord> history = new ArrayList<>();
    history.add(run);
    if (status.getHistory() != null) {
      history.addAll(status.getHistory());
    }
    status.setHistory(new ArrayList<>(history.subList(0, Math.min(limit, history.size()))));
    status.setLastRun(run);
    long total = status.getTotalReclaimedBytes() == null ? 0 : status.getTotalReclaimedBytes();
    status.setTotalReclaimedBytes(
        total + (run.getReclaimedBytes() == null ? 0 : run.getReclaimedBytes()));
  }
}
