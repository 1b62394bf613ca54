package dev.registryoperator.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The operator's logback.xml: plain text by default, JSON lines with LOG_FORMAT=json. */
class LogFormatTest {
  /** slf4j-simple's lines before logback: time with offset, level, logger's short name, message. */
  private static final String TEXT_LINE =
      "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}(\\d{2})?) ";

  private static final Logger OPERATOR = LoggerFactory.getLogger("dev.registryoperator.gc.Example");
  private static final Logger JOSDK =
      LoggerFactory.getLogger("io.javaoperatorsdk.operator.Example");
  private static final Logger FABRIC8 = LoggerFactory.getLogger("io.fabric8.kubernetes.Example");

  @Test
  void theDefaultIsPlainTextWithTodaysLevels() {
    assumeTrue(
        System.getenv("LOG_FORMAT") == null && System.getenv("LOG_LEVEL") == null,
        "LOG_FORMAT or LOG_LEVEL set in this environment");
    List<String> lines;
    try (CapturedLogs logs = CapturedLogs.configure(Map.of())) {
      assertThat(logs.configurationProblems()).isEmpty();
      MDC.put("resource.name", "nightly");
      try {
        OPERATOR.info("run {} started", "r1");
        OPERATOR.debug("not shown at info");
        JOSDK.info("not shown: libraries log warnings only");
        JOSDK.warn("a library's warning");
        OPERATOR.warn("failed", new IllegalStateException("boom"));
      } finally {
        MDC.clear();
      }
      lines = logs.linesOf("Example");
    }
    assertThat(lines.get(0)).matches(TEXT_LINE + "INFO Example - run r1 started");
    assertThat(lines.get(1)).matches(TEXT_LINE + "WARN Example - a library's warning");
    assertThat(lines.get(2)).matches(TEXT_LINE + "WARN Example - failed");
    assertThat(lines.get(3)).isEqualTo("java.lang.IllegalStateException: boom");
    assertThat(lines.get(4)).startsWith("\tat dev.registryoperator.logging.LogFormatTest.");
    assertThat(String.join("\n", lines)).doesNotContain("not shown", "nightly", "{");
  }

  @Test
  void jsonLinesCarryTimeLevelLoggerMessageMdcAndTheException() {
    List<String> lines;
    long before = System.currentTimeMillis();
    try (CapturedLogs logs = CapturedLogs.configure(Map.of("LOG_FORMAT", "json"))) {
      assertThat(logs.configurationProblems()).isEmpty();
      MDC.put("resource.namespace", "team-a");
      MDC.put("resource.name", "nightly");
      MDC.put("gc.run", "r7");
      try {
        OPERATOR.info("GcSchedule {} run {}: \"quoted\"\tand tabbed", "team-a/nightly", "r7");
        OPERATOR.error("failed", new IllegalStateException("boom", new RuntimeException("cause")));
      } finally {
        MDC.clear();
      }
      OPERATOR.info("outside a reconcile");
      lines = logs.linesOf("Example");
    }
    assertThat(lines).hasSize(3);
    JsonNode info = CapturedLogs.parseObject(lines.get(0));
    assertThat(info.get("timestamp").asLong()).isBetween(before, System.currentTimeMillis());
    assertThat(info.get("level").asText()).isEqualTo("INFO");
    assertThat(info.get("loggerName").asText()).isEqualTo("dev.registryoperator.gc.Example");
    assertThat(info.get("formattedMessage").asText())
        .isEqualTo("GcSchedule team-a/nightly run r7: \"quoted\"\tand tabbed");
    assertThat(info.get("mdc").properties())
        .extracting(Map.Entry::getKey, e -> e.getValue().asText())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("resource.namespace", "team-a"),
            org.assertj.core.groups.Tuple.tuple("resource.name", "nightly"),
            org.assertj.core.groups.Tuple.tuple("gc.run", "r7"));
    assertThat(info.get("throwable").isNull()).isTrue();

    JsonNode error = CapturedLogs.parseObject(lines.get(1));
    assertThat(error.get("level").asText()).isEqualTo("ERROR");
    assertThat(error.at("/throwable/className").asText())
        .isEqualTo("java.lang.IllegalStateException");
    assertThat(error.at("/throwable/message").asText()).isEqualTo("boom");
    assertThat(error.at("/throwable/cause/message").asText()).isEqualTo("cause");
    assertThat(error.at("/throwable/stepArray/0/className").asText())
        .isEqualTo(LogFormatTest.class.getName());

    assertThat(CapturedLogs.parseObject(lines.get(2)).get("mdc").isEmpty()).isTrue();
  }

  @Test
  void logLevelSetsTheOperatorsLevelOnly() {
    List<String> lines;
    try (CapturedLogs logs =
        CapturedLogs.configure(Map.of("LOG_FORMAT", "json", "LOG_LEVEL", "debug"))) {
      assertThat(logs.configurationProblems()).isEmpty();
      OPERATOR.trace("not shown: trace");
      OPERATOR.debug("operator debug");
      FABRIC8.info("not shown: libraries log warnings only");
      lines = logs.linesOf("Example");
    }
    assertThat(lines)
        .singleElement()
        .satisfies(
            l ->
                assertThat(CapturedLogs.parseObject(l).get("formattedMessage").asText())
                    .isEqualTo("operator debug"));
  }

  @Test
  void aFormatNeitherTextNorJsonLogsTextAndSaysSo() {
    List<String> lines;
    List<String> problems;
    try (CapturedLogs logs = CapturedLogs.configure(Map.of("LOG_FORMAT", "yaml"))) {
      problems = logs.configurationProblems();
      OPERATOR.info("still logged");
      lines = logs.linesOf("Example");
    }
    assertThat(problems).singleElement().asString().contains("LOG_FORMAT [yaml]");
    assertThat(lines).singleElement().asString().matches(TEXT_LINE + "INFO Example - still logged");
    try (CapturedLogs logs = CapturedLogs.configure(Map.of("LOG_FORMAT", " JSON "))) {
      assertThat(logs.configurationProblems()).isEmpty();
      OPERATOR.info("json");
      lines = logs.linesOf("Example");
    }
    assertThat(lines).singleElement().satisfies(CapturedLogs::parseObject);
  }
}
