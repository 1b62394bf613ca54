package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's PromQL, checked by Prometheus' own promtool: the PrometheusRule's rules parse, and
 * its alerts fire (and stay quiet) as intended on made-up series (promtool/alerts-test.yml); every
 * dashboard query parses. It needs promtool (Debian package prometheus, which {@code .ci/run}
 * installs).
 */
class ChartPromtoolTest {
  private static final Path PROMTOOL =
      Path.of(System.getProperty("sandbox.promtool", "/usr/bin/promtool"));
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void theAlertsParseAndFireAsIntended() throws Exception {
    assertThat(PROMTOOL)
        .as("promtool (Debian package prometheus; .ci/run installs it)")
        .isExecutable();
    RenderedChart chart = RenderedChart.render("ops", "metrics: {prometheusRule: {enabled: true}}");
    GenericKubernetesResource rule =
        (GenericKubernetesResource) chart.one("PrometheusRule").orElseThrow();
    YAML.writeValue(dir.resolve("rules.yml").toFile(), rule.getAdditionalProperties().get("spec"));
    try (InputStream test = getClass().getResourceAsStream("/promtool/alerts-test.yml")) {
      Files.copy(test, dir.resolve("alerts-test.yml"));
    }
    assertThat(promtool("check", "rules", "rules.yml")).contains("SUCCESS: 4 rules found");
    assertThat(promtool("test", "rules", "alerts-test.yml")).contains("SUCCESS");
  }

  @Test
  void everyDashboardQueryParses() throws Exception {
    assertThat(PROMTOOL)
        .as("promtool (Debian package prometheus; .ci/run installs it)")
        .isExecutable();
    ConfigMap configMap =
        RenderedChart.render("ops", "dashboard: {enabled: true}").one(ConfigMap.class);
    JsonNode dashboard = JSON.readTree(configMap.getData().get("registry-operator.json"));
    ObjectNode rules = YAML.createObjectNode();
    ArrayNode records =
        rules.putArray("groups").addObject().put("name", "dashboard").putArray("rules");
    int n = 0;
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        records
            .addObject()
            .put("record", "dashboard:query_" + n++)
            .put("expr", asPromql(target.get("expr").asText()));
      }
    }
    YAML.writeValue(dir.resolve("dashboard.yml").toFile(), rules);
    assertThat(promtool("check", "rules", "dashboard.yml"))
        .contains("SUCCESS: " + n + " rules found");
  }

  /** A Grafana query as Prometheus receives it: Grafana's variables replaced by values. */
  private static String asPromql(String expr) {
    return expr.replace("$__rate_interval", "5m")
        .replace("$__interval", "1h")
        .replace("$__range_s", "604800")
        .replace("$__range", "7d")
        .replace("$namespace", ".*")
        .replace("$registry", ".*");
  }

  private String promtool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(PROMTOOL.toString()));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool ends").isTrue();
    assertThat(process.exitValue()).as("promtool %s:\n%s", List.of(args), output).isZero();
    return output;
  }
}
