package dev.registryoperator.gcrunner;

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
        report.bytesMeasured = true;
        report.registryVersion = "2.8.2";

        assertThat(report.toJson()).isEqualTo("{\"version\":1,\"result\":\"Succeeded\",\"exitCode\":0,"
                + "\"message\":\"\",\"dryRun\":false,\"deleteUntagged\":false,\"storageDriver\":\"filesystem\","
                + "\"bytesMeasured\":true,\"registryVersion\":\"2.8.2\",\"blobsMarked\":0,\"blobsEligible\":0,"
                + "\"manifestsEligible\":0,\"eligibleBytes\":0,\"blobsDeleted\":0,\"manifestsDeleted\":0,"
                + "\"reclaimedBytes\":0,\"durationSeconds\":0.000,\"integrity\":{\"checked\":false,\"manifests\":0,"
                + "\"blobs\":0,\"missing\":0,\"missingDigests\":[]}}");
    }

    @Test
    void carriesEveryValue() throws Exception {
        GcReport report = new GcReport().outcome(Outcome.INTEGRITY_FAILED, "lost \"things\"\n");
        report.dryRun = true;
        report.deleteUntagged = true;
        report.blobsMarked = 1;
        report.blobsEligible = 2;
        report.manifestsEligible = 3;
        report.eligibleBytes = 4_000_000_000_000L;
        report.blobsDeleted = 5;
        report.manifestsDeleted = 6;
        report.reclaimedBytes = 7;
        report.durationSeconds = 1.23456;
        report.integrity = new IntegrityResult(true, 8, 9, 1, List.of("r@sha256:x"));

        JsonNode json = JSON.readTree(report.toJson());
        assertThat(json.get("result").asText()).isEqualTo("IntegrityFailed");
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
        GcReport report = new GcReport().outcome(Outcome.FAILED, "é".repeat(5000));
        report.integrity = new IntegrityResult(true, 1, 1, 200, missing);

        String json = report.toJson();

        assertThat(json.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(GcReport.MAX_BYTES);
        JsonNode parsed = JSON.readTree(json);
        assertThat(parsed.get("integrity").get("missing").asLong()).isEqualTo(200);
        assertThat(parsed.get("integrity").get("missingDigests").size()).isBetween(10, 199);
        assertThat(parsed.get("message").asText()).startsWith("éé").endsWith("...")
                .hasSizeLessThanOrEqualTo(512 + 3);
    }

    @Test
    void cutsTheMessageFurtherWhenEscapesInflateIt() throws Exception {
        GcReport report = new GcReport().outcome(Outcome.FAILED, "\u0001\"".repeat(3000));

        String json = report.toJson();

        assertThat(json.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(GcReport.MAX_BYTES);
        assertThat(JSON.readTree(json).get("message").asText()).endsWith("...").hasSizeGreaterThan(100);
    }

    @Test
    void keepsAsManyMissingDigestsAsFit() throws Exception {
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            missing.add("repo@sha256:" + String.format("%064d", i));
        }
        GcReport report = new GcReport().outcome(Outcome.INTEGRITY_FAILED, "short");
        report.integrity = new IntegrityResult(true, 1, 1, 60, missing);

        JsonNode parsed = JSON.readTree(report.toJson());

        assertThat(parsed.get("message").asText()).isEqualTo("short");
        assertThat(parsed.get("integrity").get("missingDigests").size()).isBetween(30, 59);
    }
}
