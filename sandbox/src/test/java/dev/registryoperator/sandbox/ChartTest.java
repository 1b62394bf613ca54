package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The chart as Helm renders it: lint, the Deployment (labels, security context, ports, probes), the
 * PodDisruptionBudget, and values.schema.json refusing what is misspelled. The monitoring objects:
 * {@link ChartMonitoringTest}; the CRDs: {@link ChartCrdsTest}; RBAC: {@link ChartRbacTest}.
 */
class ChartTest {
  /** Every opt-in switched on. */
  static final String EVERYTHING_ON =
      """
      replicas: 2
      metrics:
        serviceMonitor:
          enabled: true
          labels: {release: kube-prometheus-stack}
        prometheusRule:
          enabled: true
          labels: {release: kube-prometheus-stack}
          runbookBaseUrl: https://example.org/registry-operator/charts/registry-operator/README.md
      dashboard:
        enabled: true
      podDisruptionBudget:
        enabled: true
      """;

  @Test
  void lintStrictPasses() {
    LintResult lint = new Helm(RenderedChart.chartDirectory()).lint().strict().call();
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    assertThat(lint.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }

  @Test
  void defaultsRenderTheOperatorAndNoOptIn() {
    RenderedChart chart = RenderedChart.render("ops", "");
    assertThat(kinds(chart))
        .containsOnlyKeys(
            "CustomResourceDefinition",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Role",
            "RoleBinding",
            "Deployment",
            "Service")
        .containsEntry("CustomResourceDefinition", 2L)
        .containsEntry("Service", 1L);
    assertThat(chart.objects)
        .allSatisfy(
            o -> {
              assertThat(o.getMetadata().getLabels())
                  .as("%s %s", o.getKind(), o.getMetadata().getName())
                  .containsEntry("app.kubernetes.io/name", "registry-operator")
                  .containsEntry("app.kubernetes.io/instance", RenderedChart.RELEASE)
                  .containsEntry("app.kubernetes.io/managed-by", "Helm");
            });
    assertThat(chart.objects.stream().filter(o -> o.getMetadata().getNamespace() != null))
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("ops"));
  }

  @Test
  void everyOptInRendersItsObject() {
    RenderedChart chart = RenderedChart.render("ops", EVERYTHING_ON);
    assertThat(kinds(chart))
        .containsEntry("ServiceMonitor", 1L)
        .containsEntry("PrometheusRule", 1L)
        .containsEntry("ConfigMap", 1L)
        .containsEntry("PodDisruptionBudget", 1L)
        .containsEntry("Service", 1L)
        .containsEntry("Deployment", 1L);
  }

  @Test
  void theDeploymentDeclaresBothPortsAndProbesTheHealthPort() {
    Deployment deployment = RenderedChart.render("ops", "").one(Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(selector);
    assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(RenderedChart.RELEASE);
    var pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

    Container operator = pod.getContainers().get(0);
    assertPortsAndJvmOptions(
        operator,
        8080,
        8081,
        "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:MaxRAMPercentage=40 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:NewRatio=3 -Dsun.reflect.inflationThreshold=2147483647 -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=96m -Xss512k -XX:+ExitOnOutOfMemoryError");
    assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(operator.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("health");
    assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(operator.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("health");
    assertThat(operator.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(operator.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(operator.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(operator.getResources().getLimits()).containsKey("memory");
  }

  @Test
  void portsAndJvmOptionsAreValues() {
    RenderedChart chart =
        RenderedChart.render(
            "ops",
            """
            health: {port: 9440}
            metrics: {port: 9441, service: {port: 80}}
            javaOpts: "-Xmx300m"
            resources: {requests: {cpu: 50m, memory: 128Mi}, limits: {memory: 384Mi}}
            """);
    Container operator = operator(chart);
    assertPortsAndJvmOptions(operator, 9440, 9441, "-Xmx300m");
    assertThat(operator.getResources().getLimits().get("memory").toString()).isEqualTo("384Mi");
    Service service = chart.one(Service.class);
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getPort()).isEqualTo(80);
              assertThat(p.getTargetPort().getStrVal()).isEqualTo("metrics");
            });
  }

  @Test
  void logFormatAndLevelAreValues() {
    assertThat(env(operator(RenderedChart.render("ops", ""))))
        .containsEntry("LOG_FORMAT", "text")
        .containsEntry("LOG_LEVEL", "info");
    assertThat(env(operator(RenderedChart.render("ops", "logFormat: json\nlogLevel: debug\n"))))
        .containsEntry("LOG_FORMAT", "json")
        .containsEntry("LOG_LEVEL", "debug");
  }

  @Test
  void workloadProtectionIsAValueOnByDefault() {
    assertThat(env(operator(RenderedChart.render("ops", ""))))
        .containsEntry("RETENTION_PROTECT_WORKLOADS", "true");
    assertThat(env(operator(RenderedChart.render("ops", "retention: {protectWorkloads: false}\n"))))
        .containsEntry("RETENTION_PROTECT_WORKLOADS", "false");
  }

  @Test
  void metricsOffDeclaresNoMetricsPortAndNoService() {
    RenderedChart chart = RenderedChart.render("ops", "metrics: {enabled: false}");
    assertThat(ports(operator(chart))).containsOnlyKeys("health");
    assertThat(chart.all(Service.class)).isEmpty();
    assertThatThrownBy(
            () ->
                RenderedChart.render(
                    "ops", "metrics: {enabled: false, serviceMonitor: {enabled: true}}"))
        .hasMessageContaining("metrics.serviceMonitor.enabled needs metrics.enabled");
  }

  @Test
  void aPodDisruptionBudgetOnlyWithMoreThanOneReplica() {
    assertThat(
            RenderedChart.render("ops", "replicas: 1\npodDisruptionBudget: {enabled: true}")
                .all(PodDisruptionBudget.class))
        .isEmpty();
    assertThat(RenderedChart.render("ops", "replicas: 3").all(PodDisruptionBudget.class)).isEmpty();

    RenderedChart chart =
        RenderedChart.render("ops", "replicas: 2\npodDisruptionBudget: {enabled: true}");
    PodDisruptionBudget pdb = chart.one(PodDisruptionBudget.class);
    Deployment deployment = chart.one(Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(pdb.getMetadata().getNamespace()).isEqualTo("ops");
  }

  @Test
  void theSchemaRefusesMisspelledValues() {
    assertRefused("replica: 2", "replica");
    assertRefused("metrics: {enabeld: true}", "enabeld");
    assertRefused("metrics: {serviceMonitor: {enable: true}}", "enable");
    assertRefused(
        "metrics: {prometheusRule: {alerts: {gcFailling: {enabled: true}}}}", "gcFailling");
    assertRefused("dashboard: {enabled: yes-please}", "enabled");
    assertRefused("replicas: two", "replicas");
    assertRefused("metrics: {port: 70000}", "port");
    assertRefused("crds: {keeep: false}", "keeep");
    assertRefused("image: {pullPolicy: Sometimes}", "pullPolicy");
    assertRefused("logFormat: yaml", "logFormat");
    assertRefused("logLevel: verbose", "logLevel");
    assertRefused("retention: {protectWorkload: false}", "protectWorkload");
    assertRefused("retention: {protectWorkloads: \"no\"}", "protectWorkloads");
  }

  @Test
  void theNotesSayWhatWasInstalledHowToStartAndWhereTheMetricsAre() throws Exception {
    String notes = notes(EVERYTHING_ON + "watchNamespaces: [team-a]\n");
    assertThat(notes)
        .contains("Deployment registry-operator (2 replicas")
        .contains("watching namespaces team-a")
        .contains("ClusterRole ops-registry-operator-workloads lists workloads in every namespace")
        .contains("PodDisruptionBudget registry-operator")
        .contains("/metrics on port 8081")
        .contains("svc/registry-operator-metrics")
        .contains("ServiceMonitor registry-operator")
        .contains("PrometheusRule registry-operator")
        .contains("ConfigMap ops/registry-operator-dashboard")
        .contains("kubectl apply -n team-a -f -");
    // The first Registry and GcSchedule, as the notes show them.
    String manifest =
        notes.substring(notes.indexOf("<<'YAML'\n") + 8, notes.indexOf("\n  YAML\n")).stripIndent();
    List<HasMetadata> objects =
        Serialization.unmarshal(
            new java.io.ByteArrayInputStream(manifest.getBytes(StandardCharsets.UTF_8)));
    assertThat(objects).extracting(HasMetadata::getKind).containsExactly("Registry", "GcSchedule");

    assertThat(notes(""))
        .contains("kubectl apply -n default -f -")
        .contains("no ServiceMonitor")
        .doesNotContain("PodDisruptionBudget")
        .doesNotContain("PrometheusRule");
  }

  /** What `helm install` prints after installing, as a client-only dry run. */
  private static String notes(String values) throws Exception {
    Path file = Files.createTempFile("values-", ".yaml");
    try {
      Files.writeString(file, values);
      String output =
          new Helm(RenderedChart.chartDirectory())
              .install()
              .withName(RenderedChart.RELEASE)
              .withNamespace("ops")
              .withValuesFile(file)
              .clientOnly()
              .dryRun()
              .call()
              .getOutput();
      assertThat(output).contains("NOTES:");
      return output.substring(output.indexOf("NOTES:"));
    } finally {
      Files.delete(file);
    }
  }

  private static void assertRefused(String values, String field) {
    assertThatThrownBy(() -> RenderedChart.render("ops", values))
        .as(values)
        .hasMessageContaining("schema")
        .hasMessageContaining(field);
  }

  /** The container declares both ports, and tells the operator them and the JVM options. */
  private static void assertPortsAndJvmOptions(
      Container operator, int health, int metrics, String javaOpts) {
    assertThat(ports(operator))
        .containsExactly(Map.entry("health", health), Map.entry("metrics", metrics));
    assertThat(env(operator))
        .containsEntry("HEALTH_PORT", String.valueOf(health))
        .containsEntry("METRICS_PORT", String.valueOf(metrics))
        .containsEntry("JAVA_TOOL_OPTIONS", javaOpts);
  }

  private static Container operator(RenderedChart chart) {
    return chart.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static Map<String, Long> kinds(RenderedChart chart) {
    return chart.objects.stream()
        .collect(Collectors.groupingBy(HasMetadata::getKind, Collectors.counting()));
  }

  static Map<String, Integer> ports(Container container) {
    return container.getPorts().stream()
        .collect(
            Collectors.toMap(
                ContainerPort::getName,
                ContainerPort::getContainerPort,
                (a, b) -> a,
                java.util.LinkedHashMap::new));
  }

  private static Map<String, String> env(Container container) {
    List<EnvVar> env = container.getEnv();
    return env.stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }
}
