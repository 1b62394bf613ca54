package dev.registryoperator.gc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gcreport.GcOutcome;
import dev.registryoperator.gcreport.GcReport;
import org.junit.jupiter.api.Test;

/** The runner's outcomes (gc-report) are the operator's reasons: one table, read by both. */
class RunnerOutcomeTest {
  @Test
  void everyRunnerOutcomeNamesAnOperatorReason() {
    for (GcOutcome outcome : GcOutcome.values()) {
      assertThat(GcReason.valueOf(outcome.reason(false))).isNotNull();
      assertThat(GcReason.valueOf(outcome.reason(true))).isNotNull();
    }
  }

  @Test
  void aFailedJobsExitCodeGivesTheRunnersReason() {
    assertThat(GcRun.reasonForExit(2)).isEqualTo(GcReason.ConfigurationError);
    assertThat(GcRun.reasonForExit(3)).isEqualTo(GcReason.GarbageCollectFailed);
    assertThat(GcRun.reasonForExit(4)).isEqualTo(GcReason.PreflightRefused);
    assertThat(GcRun.reasonForExit(5)).isEqualTo(GcReason.IntegrityCheckFailed);
    assertThat(GcRun.reasonForExit(0)).isEqualTo(GcReason.ReportMissing);
    assertThat(GcRun.reasonForExit(137)).isEqualTo(GcReason.JobFailed);
    assertThat(GcRun.reasonForExit(null)).isEqualTo(GcReason.JobFailed);
  }

  @Test
  void theOperatorReadsAVersionOneReportAsTheRunnerWroteIt() {
    String versionOne =
        "{\"version\":1,\"result\":\"Refused\",\"exitCode\":4,\"message\":\"refused: a:b\",\"dryRun\":false,"
            + "\"deleteUntagged\":true,\"storageDriver\":\"filesystem\",\"bytesMeasured\":true,"
            + "\"registryVersion\":\"2.8.2\",\"blobsMarked\":7,\"blobsEligible\":2,\"manifestsEligible\":1,"
            + "\"eligibleBytes\":300,\"blobsDeleted\":0,\"manifestsDeleted\":0,\"reclaimedBytes\":0,"
            + "\"durationSeconds\":0.5,\"integrity\":{\"checked\":false,\"manifests\":0,\"blobs\":0,"
            + "\"missing\":0,\"missingDigests\":[]}}";

    GcReport report = GcReport.parse(versionOne).orElseThrow();

    assertThat(GcReason.valueOf(report.outcome.reason(false))).isEqualTo(GcReason.PreflightRefused);
    assertThat(report.counters.getEligibleBytes()).isEqualTo(300);
    assertThat(report.message).isEqualTo("refused: a:b");
  }
}
