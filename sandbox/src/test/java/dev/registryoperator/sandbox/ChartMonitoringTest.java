package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The chart's monitoring objects as rendered: the metrics Service, the ServiceMonitor, the
 * PrometheusRule's alerts and the Grafana dashboard; every PromQL expression reads only metrics the
 * operator exports ({@link MetricNames}).
 */
class ChartMonitoringTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theMetricsServiceSelectsTheOperatorPodsOnTheirMetricsPort() {
    RenderedChart chart = RenderedChart.render("ops", "");
    Service service = chart.one(Service.class);
    Deployment deployment = chart.one(Deployment.class);
    assertThat(service.getMetadata().getName()).isEqualTo("registry-operator-metrics");
    assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(service.getSpec().getSelector())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(service.getSpec().getSelector());
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("metrics");
              assertThat(p.getPort()).isEqualTo(8081);
              assertThat(p.getTargetPort().getStrVal()).isEqualTo("metrics");
            });
    assertThat(ChartTest.ports(deployment.getSpec().getTemplate().getSpec().getContainers().get(0)))
        .containsKey(service.getSpec().getPorts().get(0).getTargetPort().getStrVal());
  }

  @Test
  void theServiceMonitorScrapesTheMetricsServiceByPortName() {
    RenderedChart chart = RenderedChart.render("ops", ChartTest.EVERYTHING_ON);
    Service service = chart.one(Service.class);
    GenericKubernetesResource monitor = generic(chart, "ServiceMonitor");
    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
    JsonNode spec = JSON.valueToTree(monitor.getAdditionalProperties().get("spec"));
    Map<String, String> matchLabels =
        JSON.convertValue(spec.at("/selector/matchLabels"), new TypeRef());
    assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(matchLabels);
    assertThat(matchLabels).containsKey("app.kubernetes.io/instance");
    assertThat(spec.at("/namespaceSelector/matchNames/0").asText()).isEqualTo("ops");
    JsonNode endpoint = spec.at("/endpoints/0");
    assertThat(spec.get("endpoints")).hasSize(1);
    assertThat(endpoint.get("port").asText())
        .isEqualTo(service.getSpec().getPorts().get(0).getName());
    assertThat(endpoint.get("path").asText()).isEqualTo("/metrics");
    assertThat(endpoint.get("honorLabels").asBoolean())
        .as("the GC metrics' own namespace label is kept")
        .isTrue();
    assertThat(endpoint.get("interval").asText()).isEqualTo("30s");
  }

  @Test
  void theAlertsReadOnlyTheOperatorsMetrics() {
    Map<String, JsonNode> alerts = alerts(RenderedChart.render("ops", ChartTest.EVERYTHING_ON));
    assertThat(alerts)
        .containsOnlyKeys(
            "RegistryGcFailing",
            "RegistryStuckInMaintenance",
            "RegistryNoSuccessfulGc",
            "RegistryOperatorDown");
    Map<String, String> reads =
        Map.of(
            "RegistryGcFailing", "registry_operator_gc_consecutive_failures",
            "RegistryStuckInMaintenance", "registry_operator_registry_maintenance",
            "RegistryNoSuccessfulGc", "registry_operator_gc_last_success_timestamp_seconds",
            "RegistryOperatorDown", "up");
    alerts.forEach(
        (name, rule) -> {
          String expr = rule.get("expr").asText();
          assertThat(MetricNames.readBy(expr))
              .as("%s: %s", name, expr)
              .contains(reads.get(name))
              .allSatisfy(
                  metric ->
                      assertThat(MetricNames.ALL.contains(metric) || metric.equals("up"))
                          .as("%s reads %s, which the operator does not export", name, metric)
                          .isTrue());
          assertThat(rule.at("/labels/severity").asText()).as(name).isIn("warning", "critical");
          for (String annotation : List.of("summary", "description", "runbook", "runbook_url")) {
            assertThat(rule.at("/annotations/" + annotation).asText())
                .as("%s annotation %s", name, annotation)
                .isNotBlank();
          }
          assertThat(rule.at("/annotations/runbook_url").asText())
              .endsWith("#" + name.toLowerCase());
        });
    assertThat(alerts.get("RegistryStuckInMaintenance").get("for").asText()).isEqualTo("90m");
    assertThat(alerts.get("RegistryGcFailing").get("expr").asText()).contains(">= 3");
    assertThat(alerts.get("RegistryNoSuccessfulGc").get("expr").asText()).contains("> 192 * 3600");
    assertThat(alerts.get("RegistryOperatorDown").get("expr").asText())
        .contains("up{job=\"registry-operator-metrics\", namespace=\"ops\"}");
    assertThat(alerts.get("RegistryGcFailing").at("/annotations/summary").asText())
        .as("Prometheus templates are left for Prometheus")
        .contains("{{ $labels.namespace }}/{{ $labels.registry }}");
  }

  @Test
  void theAlertsFollowTheirValues() {
    Map<String, JsonNode> alerts =
        alerts(
            RenderedChart.render(
                "ops",
                """
                metrics:
                  prometheusRule:
                    enabled: true
                    additionalAlertLabels: {team: platform}
                    alerts:
                      gcFailing: {failedRuns: 5, severity: critical}
                      maintenanceStuck: {for: 3h}
                      noSuccessfulGc: {maxAgeHours: 36, matchers: 'gcschedule!~"on-demand.*"'}
                      operatorDown: {enabled: false}
                """));
    assertThat(alerts).doesNotContainKey("RegistryOperatorDown").hasSize(3);
    assertThat(alerts.get("RegistryGcFailing").get("expr").asText()).contains(">= 5");
    assertThat(alerts.get("RegistryGcFailing").at("/labels/severity").asText())
        .isEqualTo("critical");
    assertThat(alerts.get("RegistryStuckInMaintenance").get("for").asText()).isEqualTo("3h");
    assertThat(alerts.get("RegistryNoSuccessfulGc").get("expr").asText())
        .contains(
            "registry_operator_gc_last_success_timestamp_seconds{gcschedule!~\"on-demand.*\"}")
        .contains("> 36 * 3600");
    assertThat(alerts.values())
        .allSatisfy(
            rule -> {
              assertThat(rule.at("/labels/team").asText()).isEqualTo("platform");
              assertThat(rule.at("/annotations/runbook_url").isMissingNode()).isTrue();
            });
  }

  @Test
  void theDashboardIsValidAndReadsOnlyTheOperatorsMetrics() throws Exception {
    RenderedChart chart = RenderedChart.render("ops", ChartTest.EVERYTHING_ON);
    ConfigMap configMap = chart.one(ConfigMap.class);
    assertThat(configMap.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    String json = configMap.getData().get("registry-operator.json");
    assertThat(json)
        .as("shipped as the chart's file, unchanged")
        .isEqualTo(
            Files.readString(
                    RenderedChart.chartDirectory().resolve("dashboards/registry-operator.json"))
                .stripTrailing());

    JsonNode dashboard = JSON.readTree(json);
    assertThat(dashboard.path("title").asText()).isNotBlank();
    assertThat(dashboard.path("uid").asText()).matches("[a-zA-Z0-9_-]{1,40}");
    assertThat(dashboard.path("schemaVersion").asInt()).isPositive();
    JsonNode panels = dashboard.path("panels");
    assertThat(panels.isArray() && panels.size() > 0).isTrue();

    List<String> exprs = new ArrayList<>();
    Set<Integer> ids = new java.util.HashSet<>();
    boolean[][] grid = new boolean[200][24];
    for (JsonNode panel : panels) {
      String title = panel.path("title").asText();
      assertThat(title).isNotBlank();
      assertThat(panel.path("type").asText()).as(title).isNotBlank();
      assertThat(ids.add(panel.path("id").asInt())).as("%s: unique id", title).isTrue();
      JsonNode pos = panel.path("gridPos");
      for (String key : List.of("x", "y", "w", "h")) {
        assertThat(pos.path(key).isInt()).as("%s gridPos.%s", title, key).isTrue();
      }
      int x = pos.get("x").asInt();
      int y = pos.get("y").asInt();
      int w = pos.get("w").asInt();
      int h = pos.get("h").asInt();
      assertThat(x + w).as("%s fits the 24 columns", title).isLessThanOrEqualTo(24);
      for (int row = y; row < y + h; row++) {
        for (int column = x; column < x + w; column++) {
          assertThat(grid[row][column]).as("%s overlaps another panel", title).isFalse();
          grid[row][column] = true;
        }
      }
      JsonNode targets = panel.path("targets");
      assertThat(targets.size()).as("%s has targets", title).isPositive();
      for (JsonNode target : targets) {
        String expr = target.path("expr").asText();
        assertThat(expr).as(title).isNotBlank();
        assertThat(target.path("refId").asText()).as(title).isNotBlank();
        exprs.add(expr);
      }
    }
    for (JsonNode variable : dashboard.at("/templating/list")) {
      if (variable.path("type").asText().equals("query")) {
        exprs.add(
            variable
                .at("/query/query")
                .asText()
                .replaceAll("^label_values\\((.*),\\s*\\w+\\)$", "$1"));
      }
    }
    Set<String> read = new java.util.TreeSet<>();
    for (String expr : exprs) {
      List<String> metrics = MetricNames.readBy(expr);
      assertThat(metrics).as(expr).isNotEmpty();
      assertThat(metrics)
          .as("%s reads only metrics the operator exports", expr)
          .allMatch(MetricNames.ALL::contains);
      read.addAll(metrics);
    }
    // What the issue asks the dashboard to show.
    assertThat(read)
        .contains(
            "registry_operator_gc_reclaimed_bytes_total",
            "registry_operator_gc_runs_total",
            "registry_operator_gc_writes_refused_seconds_sum",
            "registry_operator_registry_maintenance",
            "operator_sdk_controllers_execution_reconcile_success_total",
            "operator_sdk_controllers_execution_reconcile_failure_total");
  }

  @Test
  void theDashboardLabelsAndNamespaceAreValues() {
    RenderedChart chart =
        RenderedChart.render(
            "ops",
            """
            dashboard:
              enabled: true
              labels: {grafana_dashboard: null, my_dashboards: "yes"}
              annotations: {grafana_folder: Registries}
              namespace: monitoring
            """);
    ConfigMap configMap = chart.one(ConfigMap.class);
    assertThat(configMap.getMetadata().getNamespace()).isEqualTo("monitoring");
    assertThat(configMap.getMetadata().getLabels())
        .containsEntry("my_dashboards", "yes")
        .doesNotContainKey("grafana_dashboard");
    assertThat(configMap.getMetadata().getAnnotations())
        .containsEntry("grafana_folder", "Registries");
    assertThat(RenderedChart.render("ops", "").all(ConfigMap.class)).isEmpty();
  }

  @Test
  void metricsReadByFindsTheMetricNamesOfAnExpression() {
    assertThat(
            MetricNames.readBy(
                "histogram_quantile(0.95, sum by (le, controller) (rate(a_seconds_bucket{x=\"y\", b=~\"$ns\"}[$__rate_interval])))"))
        .containsExactly("a_seconds_bucket");
    assertThat(
            MetricNames.readBy(
                "round(sum by (namespace) (increase(a_total{result=\"Failed\"}[7d]))) >= 3 unless on (namespace) b_total > 0"))
        .containsExactly("a_total", "b_total");
    assertThat(MetricNames.readBy("absent(up{job=\"x\"} == 1)")).containsExactly("up");
    assertThat(MetricNames.readBy("time() - (max by (a) (c{}) > 0) > 192 * 3600"))
        .containsExactly("c");
    assertThat(MetricNames.readBy("max(x) * $__range_s")).containsExactly("x");
  }

  static Map<String, JsonNode> alerts(RenderedChart chart) {
    GenericKubernetesResource rule = generic(chart, "PrometheusRule");
    assertThat(rule.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    JsonNode spec = JSON.valueToTree(rule.getAdditionalProperties().get("spec"));
    Map<String, JsonNode> alerts = new HashMap<>();
    for (JsonNode group : spec.get("groups")) {
      for (JsonNode r : group.get("rules")) {
        assertThat(alerts.put(r.get("alert").asText(), r)).isNull();
      }
    }
    return alerts;
  }

  private static GenericKubernetesResource generic(RenderedChart chart, String kind) {
    HasMetadata object = chart.one(kind).orElseThrow(() -> new AssertionError("no " + kind));
    assertThat(object).isInstanceOf(GenericKubernetesResource.class);
    return (GenericKubernetesResource) object;
  }

  private static final class TypeRef
      extends com.fasterxml.jackson.core.type.TypeReference<Map<String, String>> {}
}
