package dev.registryoperator.gcreport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What one version of the runner writes, the operator of another must still read. */
class GcReportCompatibilityTest {
  /** Written by the runner of report version 1 (registry-image/README.md, a real run). */
  static final String VERSION_ONE =
      "{\"version\":1,\"result\":\"Succeeded\",\"exitCode\":0,\"message\":\"deleted 5000 blobs and 0"
          + " manifests, reclaimed 7715835 bytes; integrity verified (1000 manifests, 4000 blobs)\","
          + "\"dryRun\":false,\"deleteUntagged\":false,\"storageDriver\":\"filesystem\","
          + "\"bytesMeasured\":true,\"registryVersion\":\"2.8.2\",\"blobsMarked\":5000,"
          + "\"blobsEligible\":5000,\"manifestsEligible\":0,\"eligibleBytes\":7715835,"
          + "\"blobsDeleted\":5000,\"manifestsDeleted\":0,\"reclaimedBytes\":7715835,"
          + "\"durationSeconds\":3.556,\"integrity\":{\"checked\":true,\"manifests\":1000,"
          + "\"blobs\":4000,\"missing\":0,\"missingDigests\":[]}}";

  @Test
  void aVersionOneReportIsReadWithEveryFigure() {
    GcReport report = GcReport.parse(VERSION_ONE).orElseThrow();

    assertThat(report.version).isEqualTo(1);
    assertThat(report.outcome).isEqualTo(GcOutcome.Succeeded);
    assertThat(report.exitCode()).isZero();
    assertThat(report.message).startsWith("deleted 5000 blobs");
    assertThat(report.storageDriver).isEqualTo("filesystem");
    assertThat(report.registryVersion).isEqualTo("2.8.2");
    assertThat(report.counters.getBlobsMarked()).isEqualTo(5000);
    assertThat(report.counters.getBytesMeasured()).isTrue();
    assertThat(report.counters.getBlobsEligible()).isEqualTo(5000);
    assertThat(report.counters.getManifestsEligible()).isZero();
    assertThat(report.counters.getEligibleBytes()).isEqualTo(7715835);
    assertThat(report.counters.getBlobsDeleted()).isEqualTo(5000);
    assertThat(report.counters.getManifestsDeleted()).isZero();
    assertThat(report.counters.getReclaimedBytes()).isEqualTo(7715835);
    assertThat(report.durationSeconds).isEqualTo(3.556);
    assertThat(report.integrity).isEqualTo(new IntegrityResult(true, 1000, 4000, 0, List.of()));
  }

  @Test
  void versionOneResultWordsNameTheSameOutcomes() {
    assertThat(GcReport.parse("{\"version\":1,\"result\":\"ConfigError\"}").orElseThrow().outcome)
        .isEqualTo(GcOutcome.ConfigurationError);
    assertThat(GcReport.parse("{\"version\":1,\"result\":\"Failed\"}").orElseThrow().outcome)
        .isEqualTo(GcOutcome.GarbageCollectFailed);
    assertThat(GcReport.parse("{\"version\":1,\"result\":\"Refused\"}").orElseThrow().outcome)
        .isEqualTo(GcOutcome.PreflightRefused);
    assertThat(
            GcReport.parse("{\"version\":1,\"result\":\"IntegrityFailed\"}").orElseThrow().outcome)
        .isEqualTo(GcOutcome.IntegrityCheckFailed);
    // The exit code decides when both are there.
    assertThat(
            GcReport.parse("{\"version\":1,\"result\":\"Failed\",\"exitCode\":4}")
                .orElseThrow()
                .outcome)
        .isEqualTo(GcOutcome.PreflightRefused);
  }

  @Test
  void aNewerReportWithUnknownKeysIsRead() {
    String newer =
        "{\"version\":7,\"result\":\"Succeeded\",\"exitCode\":0,\"message\":\"ok\","
            + "\"future\":{\"nested\":[1,{\"a\":2}]},\"futureList\":[\"x\"],\"futureNumber\":1.5,"
            + "\"reclaimedBytes\":42,\"integrity\":{\"checked\":true,\"manifests\":1,\"blobs\":2,"
            + "\"missing\":0,\"missingDigests\":[],\"futureCheck\":{\"x\":true}},\"blobsDeleted\":3}";

    GcReport report = GcReport.parse(newer).orElseThrow();

    assertThat(report.version).isEqualTo(7);
    assertThat(report.outcome).isEqualTo(GcOutcome.Succeeded);
    assertThat(report.counters.getReclaimedBytes()).isEqualTo(42);
    assertThat(report.counters.getBlobsDeleted()).isEqualTo(3);
    assertThat(report.integrity.verified()).isTrue();
  }

  @Test
  void anExitCodeThisVersionDoesNotKnowHasNoOutcomeButKeepsTheCode() {
    GcReport report =
        GcReport.parse("{\"version\":3,\"result\":\"Whatever\",\"exitCode\":9}").orElseThrow();

    assertThat(report.outcome).isNull();
    assertThat(report.exitCode()).isEqualTo(9);
  }

  @Test
  void whatTheRunnerWritesNowIsReadBackWhole() {
    GcReport written = new GcReport().outcome(GcOutcome.PreflightRefused, "refused: a:b");
    written.dryRun = true;
    written.storageDriver = "s3";
    written.counters.setBlobsMarked(3L);
    written.counters.setBlobsEligible(4L);
    written.counters.setRepositoriesPruned(2L);
    written.integrity = new IntegrityResult(true, 1, 2, 1, List.of("r@sha256:x"));

    GcReport read = GcReport.parse(written.toJson()).orElseThrow();

    assertThat(read.version).isEqualTo(GcReport.VERSION);
    assertThat(read.outcome).isEqualTo(GcOutcome.PreflightRefused);
    assertThat(read.message).isEqualTo("refused: a:b");
    assertThat(read.dryRun).isTrue();
    assertThat(read.storageDriver).isEqualTo("s3");
    assertThat(read.counters.getBlobsMarked()).isEqualTo(3);
    assertThat(read.counters.getBytesMeasured()).isFalse();
    assertThat(read.counters.getBlobsEligible()).isEqualTo(4);
    assertThat(read.counters.getRepositoriesPruned()).isEqualTo(2);
    assertThat(read.integrity).isEqualTo(written.integrity);
  }

  @Test
  void whatIsNotAReportIsNotRead() {
    assertThat(GcReport.parse(null)).isEmpty();
    assertThat(GcReport.parse("")).isEmpty();
    assertThat(GcReport.parse("panic: runtime error\ngoroutine 1")).isEmpty();
    assertThat(GcReport.parse("{\"result\":\"Succeeded\"}")).isEmpty();
    assertThat(GcReport.parse("{\"version\":1,")).isEmpty();
    assertThat(GcReport.parse("[1]")).isEmpty();
  }
}
