package dev.registryoperator.gcreport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GcReportTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void hasTheContractShapeInAStableOrder() {
    GcReport report = new GcReport();
    report.storageDriver = "filesystem";
    report.counters.setBytesMeasured(true);
    report.registryVersion = "2.8.2";

    assertThat(report.toJson())
        .isEqualTo(
            "{\"version\":2,\"result\":\"Succeeded\",\"exitCode\":0,"
                + "\"message\":\"\",\"dryRun\":false,\"deleteUntagged\":false,\"storageDriver\":\"filesystem\","
                + "\"registryVersion\":\"2.8.2\",\"blobsMarked\":0,\"bytesMeasured\":true,\"blobsEligible\":0,"
                + "\"manifestsEligible\":0,\"eligibleBytes\":0,\"blobsDeleted\":0,\"manifestsDeleted\":0,"
                + "\"reclaimedBytes\":0,\"repositoriesPruned\":0,\"tagsDeleted\":0,\"retentionManifestsDeleted\":0,\"retentionBytes\":0,\"tagsProtected\":0,\"durationSeconds\":0.000,\"integrity\":{\"checked\":false,\"manifests\":0,"
                + "\"blobs\":0,\"missing\":0,\"missingDigests\":[]}}");
  }

  @Test
  void carriesEveryValue() throws Exception {
    GcReport report = new GcReport().outcome(GcOutcome.IntegrityCheckFailed, "lost \"things\"\n");
    report.dryRun = true;
    report.deleteUntagged = true;
    report.counters.setBlobsMarked((long) 1);
    report.counters.setBlobsEligible(2L);
    report.counters.setManifestsEligible(3L);
    report.counters.setEligibleBytes(4_000_000_000_000L);
    report.counters.setBlobsDeleted(5L);
    report.counters.setManifestsDeleted(6L);
    report.counters.setReclaimedBytes(7L);
    report.durationSeconds = 1.23456;
    report.integrity = new IntegrityResult(true, 8, 9, 1, List.of("r@sha256:x"));

    JsonNode json = JSON.readTree(report.toJson());
    assertThat(json.get("result").asText()).isEqualTo("IntegrityCheckFailed");
    assertThat(json.get("exitCode").asInt()).isEqualTo(5);
    assertThat(json.get("message").asText()).isEqualTo("lost \"things\"\n");
    assertThat(json.get("eligibleBytes").asLong()).isEqualTo(4_000_000_000_000L);
    assertThat(json.get("durationSeconds").asDouble()).isEqualTo(1.235);
    assertThat(json.get("integrity").get("missingDigests").get(0).asText()).isEqualTo("r@sha256:x");
  }

  @Test
  void truncatesMissingDigestsThenTheMessageToStayUnder4KiB() throws Exception {
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      missing.add("some/repository-" + i + "@sha256:" + "f".repeat(64));
    }
    GcReport report = new GcReport().outcome(GcOutcome.GarbageCollectFailed, "é".repeat(5000));
    report.integrity = new IntegrityResult(true, 1, 1, 200, missing);

    String json = report.toJson();

    assertThat(json.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(GcReport.MAX_BYTES);
    JsonNode parsed = JSON.readTree(json);
    assertThat(parsed.get("integrity").get("missing").asLong()).isEqualTo(200);
    assertThat(parsed.get("integrity").get("missingDigests").size()).isBetween(10, 199);
    assertThat(parsed.get("message").asText())
        .startsWith("éé")
        .endsWith("...")
        .hasSizeLessThanOrEqualTo(512 + 3);
  }

  @Test
  void cutsTheMessageFurtherWhenEscapesInflateIt() throws Exception {
    GcReport report =
        new GcReport().outcome(GcOutcome.GarbageCollectFailed, "\u0001\"".repeat(3000));

    String json = report.toJson();

    assertThat(json.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(GcReport.MAX_BYTES);
    assertThat(JSON.readTree(json).get("message").asText()).endsWith("...").hasSizeGreaterThan(100);
  }

  @Test
  void keepsAsManyMissingDigestsAsFit() throws Exception {
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      missing.add("repo@sha256:" + String.format("%064d", i));
    }
    GcReport report = new GcReport().outcome(GcOutcome.IntegrityCheckFailed, "short");
    report.integrity = new IntegrityResult(true, 1, 1, 60, missing);

    JsonNode parsed = JSON.readTree(report.toJson());

    assertThat(parsed.get("message").asText()).isEqualTo("short");
    assertThat(parsed.get("integrity").get("missingDigests").size()).isBetween(30, 59);
  }
}
