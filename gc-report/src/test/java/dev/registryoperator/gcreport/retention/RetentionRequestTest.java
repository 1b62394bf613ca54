package dev.registryoperator.gcreport.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator writes a retention request, the runner reads it: the same rules, time and users. */
class RetentionRequestTest {
  @Test
  void whatTheOperatorWritesTheRunnerReadsWhole() throws IOException {
    RetentionRequest written =
        new RetentionRequest(
            Instant.parse("2026-11-26T23:00:00Z"),
            List.of(
                new RetentionRule(
                    List.of("team/**"), List.of("team/keep"), "pr-.*", null, 0, "14d"),
                new RetentionRule(null, null, null, "v[0-9]+\\.[0-9]+\\.[0-9]+", 10, null)),
            new Protection(
                Map.of(
                    "team/app:pr-7",
                    List.of("Pod default/web-1", "Deployment default/web"),
                    "team/app@sha256:" + "a".repeat(64),
                    List.of("Pod default/job-x"))),
            true);

    RetentionRequest read = RetentionRequest.parse(written.toJson());

    assertThat(read).isEqualTo(written);
  }

  @Test
  void unknownKeysAreSkippedAndAnotherVersionIsRefused() throws IOException {
    RetentionRequest read =
        RetentionRequest.parse(
            "{\"version\":1,\"now\":\"2026-11-26T00:00:00Z\",\"future\":{\"x\":[1]},"
                + "\"rules\":[{\"keepLatest\":3,\"later\":true}],\"protected\":{}}");
    assertThat(read.rules()).containsExactly(new RetentionRule(null, null, null, null, 3, null));
    assertThat(read.workloadsChecked()).isFalse();

    assertThatThrownBy(
            () -> RetentionRequest.parse("{\"version\":2,\"now\":\"2026-11-26T00:00:00Z\"}"))
        .hasMessageContaining("version 2");
    assertThatThrownBy(() -> RetentionRequest.parse("{\"version\":1,\"now\":\"yesterday\"}"))
        .hasMessageContaining("now is not a time");
  }
}
