package dev.registryoperator.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.registryoperator.registry.MaintenanceMode;
import java.util.List;
import org.junit.jupiter.api.Test;

class GcHistoryTest {
  private static GcRunRecord run(
      String id, GcRunResult result, String reason, long reclaimed, boolean dryRun) {
    GcRunRecord run = new GcRunRecord();
    run.setId(id);
    run.setRegistry("images");
    run.setMode(MaintenanceMode.ReadOnly);
    run.setResult(result);
    run.setReason(reason);
    run.setReclaimedBytes(reclaimed);
    run.setDryRun(dryRun);
    run.setFinishTime("2026-11-26T03:0" + id.substring(1) + ":00Z");
    return run;
  }

  @Test
  void totalsCountEveryRunByHowItEndedLongAfterTheHistoryForgotIt() {
    GcScheduleStatus status = new GcScheduleStatus();
    GcHistory.record(status, run("r1", GcRunResult.Succeeded, "Collected", 100, false), 2);
    GcHistory.record(status, run("r2", GcRunResult.Failed, "DeadlineExceeded", 0, false), 2);
    GcHistory.record(status, run("r3", GcRunResult.Succeeded, "Collected", 50, false), 2);
    GcHistory.record(status, run("r4", GcRunResult.Succeeded, "DryRunCompleted", 0, true), 2);

    assertThat(status.getHistory()).extracting(GcRunRecord::getId).containsExactly("r4", "r3");
    assertThat(status.getTotals())
        .extracting(
            GcRunTotal::getResult,
            GcRunTotal::getReason,
            GcRunTotal::getRuns,
            GcRunTotal::getReclaimedBytes)
        .containsExactly(
            tuple(GcRunResult.Succeeded, "Collected", 2L, 150L),
            tuple(GcRunResult.Failed, "DeadlineExceeded", 1L, 0L),
            tuple(GcRunResult.Succeeded, "DryRunCompleted", 1L, 0L));
    assertThat(status.getTotalReclaimedBytes()).isEqualTo(150L);
    assertThat(status.getLastSuccessTime())
        .as("a dry run collects nothing: the last success is r3's")
        .isEqualTo("2026-11-26T03:03:00Z");
  }

  @Test
  void consecutiveFailuresCountFailedRunsSinceTheLastSuccessNotSkippedOnes() {
    GcScheduleStatus status = new GcScheduleStatus();
    GcHistory.record(status, run("r1", GcRunResult.Failed, "DeadlineExceeded", 0, false), 5);
    GcHistory.record(status, run("r2", GcRunResult.Skipped, "RegistryBusy", 0, false), 5);
    GcHistory.record(status, run("r3", GcRunResult.Failed, "JobDeleted", 0, false), 5);
    assertThat(status.getConsecutiveFailures()).isEqualTo(2L);
    GcHistory.record(status, run("r4", GcRunResult.Succeeded, "Collected", 10, false), 5);
    assertThat(status.getConsecutiveFailures()).isZero();
  }

  @Test
  void aStatusWrittenBeforeTotalsWereKeptStartsThemFromItsHistory() {
    GcScheduleStatus status = new GcScheduleStatus();
    status.setHistory(
        List.of(
            run("r2", GcRunResult.Skipped, "BelowThreshold", 0, false),
            run("r1", GcRunResult.Succeeded, "Collected", 70, false)));
    GcHistory.record(status, run("r3", GcRunResult.Succeeded, "Collected", 30, false), 5);
    assertThat(status.getTotals())
        .extracting(GcRunTotal::getReason, GcRunTotal::getRuns, GcRunTotal::getReclaimedBytes)
        .containsExactly(tuple("Collected", 2L, 100L), tuple("BelowThreshold", 1L, 0L));
  }
}
