package dev.registryoperator.gc;

import static dev.registryoperator.OperatorHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.registryoperator.fakecluster.JobBehaviour;
import dev.registryoperator.logging.CapturedLogs;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * LOG_FORMAT=json on a real GC run (the operator's logback.xml, the fake cluster): the lines of a
 * GcSchedule's reconcile that works on a run carry the schedule (Java Operator SDK's MDC) and the
 * run id, in reconcile and in cleanup.
 */
class GcRunLogTest extends GcClusterTestBase {
  @Test
  void jsonLinesOfARunCarryTheScheduleAndTheRunId() {
    try (CapturedLogs logs = CapturedLogs.configure(Map.of("LOG_FORMAT", "json"))) {
      assertThat(logs.configurationProblems()).isEmpty();
      start();
      registry("images", 1);
      jobs.set(JobBehaviour.hang());
      schedule("nightly", "images", s -> {});
      requestRun("nightly", "t1");
      String job = GcJob.name(get("nightly"), "r1", GcJob.Kind.Collect);
      eventually().until(() -> harness.cluster().log().contains("job " + job + " pod started"));
      String run = get("nightly").getStatus().getCurrentRun().getId();

      client.resources(GcSchedule.class).inNamespace(NAMESPACE).withName("nightly").delete();
      eventually().until(() -> get("nightly") == null);

      // advance(): the Job's creation; cleanup(): the deleted schedule waiting for the Job's pod
      JsonNode creating =
          awaitLine(logs, "GcSchedule team-a/nightly run " + run + ": creating collect Job " + job);
      JsonNode waiting =
          awaitLine(
              logs,
              "GcSchedule team-a/nightly deleted; waiting for its GC Jobs and pods to end before"
                  + " restoring the registry");
      for (JsonNode line : List.of(creating, waiting)) {
        assertThat(line.get("level").asText()).isEqualTo("INFO");
        assertThat(line.get("timestamp").isIntegralNumber()).isTrue();
        assertThat(line.at("/mdc/resource.namespace").asText()).isEqualTo(NAMESPACE);
        assertThat(line.at("/mdc/resource.name").asText()).isEqualTo("nightly");
        assertThat(line.at("/mdc/resource.kind").asText()).isEqualTo("GcSchedule");
        assertThat(line.at("/mdc/gc.run").asText()).isEqualTo(run);
      }
      assertThat(creating.get("loggerName").asText()).isEqualTo(GcRunActions.class.getName());
      assertThat(waiting.get("loggerName").asText())
          .isEqualTo(GcScheduleReconciler.class.getName());
      // The run id is on no line of another resource's reconcile (it is removed after the run's).
      assertThat(logs.jsonLines())
          .filteredOn(l -> l.at("/mdc").has(GcScheduleReconciler.RUN_MDC_KEY))
          .isNotEmpty()
          .allSatisfy(l -> assertThat(l.at("/mdc/resource.name").asText()).isEqualTo("nightly"));
    }
  }

  /** The line with this message, once it is logged; every line so far must be one JSON object. */
  private static JsonNode awaitLine(CapturedLogs logs, String message) {
    return eventually()
        .until(() -> find(logs.jsonLines(), message), Optional::isPresent)
        .orElseThrow();
  }

  private static Optional<JsonNode> find(List<JsonNode> lines, String message) {
    return lines.stream()
        .filter(l -> message.equals(l.path("formattedMessage").asText()))
        .findFirst();
  }
}
