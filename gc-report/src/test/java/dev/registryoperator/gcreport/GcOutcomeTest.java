package dev.registryoperator.gcreport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GcOutcomeTest {
  @Test
  void exitCodesResultsAndReasonsAreOneTable() {
    assertThat(GcOutcome.values())
        .extracting(
            o -> o.exitCode() + " " + o.result() + " " + o.reason(false) + " " + o.reason(true))
        .containsExactly(
            "0 Succeeded Collected DryRunCompleted",
            "2 ConfigurationError ConfigurationError ConfigurationError",
            "3 GarbageCollectFailed GarbageCollectFailed GarbageCollectFailed",
            "4 PreflightRefused PreflightRefused PreflightRefused",
            "5 IntegrityCheckFailed IntegrityCheckFailed IntegrityCheckFailed");
  }

  @Test
  void everyOutcomeIsFoundByItsExitCodeAndItsResult() {
    for (GcOutcome outcome : GcOutcome.values()) {
      assertThat(GcOutcome.ofExitCode(outcome.exitCode())).contains(outcome);
      assertThat(GcOutcome.ofResult(outcome.result())).contains(outcome);
    }
    assertThat(GcOutcome.ofExitCode(1)).isEmpty();
    assertThat(GcOutcome.ofResult("Other")).isEmpty();
  }
}
