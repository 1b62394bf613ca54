package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * CRD upgrades: the chart renders the CRDs as templates (Helm installs a chart's crds/ once and
 * never upgrades it), so `helm upgrade` applies a changed schema; they keep {@code
 * helm.sh/resource-policy: keep} so that `helm uninstall` does not delete every Registry; and they
 * are the CRDs generated into the repository's crds/ (the chart's copy is checked byte for byte by
 * the operator's CrdAndExamplesTest, the rendering here).
 */
class ChartCrdsTest {
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theChartHasNoCrdsFolderThatHelmWouldNeverUpgrade() {
    assertThat(RenderedChart.chartDirectory().resolve("crds")).doesNotExist();
  }

  @Test
  void theRenderedCrdsAreTheGeneratedOnesWithTheKeepPolicy() throws IOException {
    Map<String, JsonNode> generated = generatedCrds();
    assertThat(generated)
        .containsOnlyKeys("registries.registry.operator.dev", "gcschedules.registry.operator.dev");

    List<CustomResourceDefinition> rendered =
        RenderedChart.render("ops", "").all(CustomResourceDefinition.class);
    assertThat(rendered)
        .extracting(c -> c.getMetadata().getName())
        .containsExactlyInAnyOrderElementsOf(generated.keySet());
    for (CustomResourceDefinition crd : rendered) {
      String name = crd.getMetadata().getName();
      assertThat(crd.getMetadata().getAnnotations())
          .as(name)
          .containsEntry("helm.sh/resource-policy", "keep");
      assertThat(crd.getMetadata().getLabels())
          .as(name)
          .containsEntry("app.kubernetes.io/managed-by", "Helm")
          .containsEntry("app.kubernetes.io/name", "registry-operator");
      assertThat(crd.getMetadata().getNamespace()).as(name).isNull();

      ObjectNode asRendered = JSON.valueToTree(crd);
      ObjectNode metadata = (ObjectNode) asRendered.get("metadata");
      metadata.remove("annotations");
      metadata.remove("labels");
      asRendered.remove("status");
      assertThat(asRendered)
          .as("%s as rendered, but for its labels and annotation, is crds/%s", name, name)
          .isEqualTo(generated.get(name));
    }
  }

  @Test
  void keepAndInstallAreValues() {
    assertThat(
            RenderedChart.render("ops", "crds: {keep: false}").all(CustomResourceDefinition.class))
        .hasSize(2)
        .allSatisfy(
            crd ->
                assertThat(crd.getMetadata().getAnnotations())
                    .doesNotContainKey("helm.sh/resource-policy"));
    assertThat(
            RenderedChart.render("ops", "crds: {install: false}")
                .all(CustomResourceDefinition.class))
        .isEmpty();
  }

  /** The repository's crds/ (generated from the Java API classes), by name, as JSON trees. */
  private static Map<String, JsonNode> generatedCrds() throws IOException {
    Path crds = Sandbox.Builder.findRepoRoot().resolve("crds");
    Map<String, JsonNode> byName = new TreeMap<>();
    try (Stream<Path> files = Files.list(crds)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".yml")).toList()) {
        // Through Fabric8's model, as the rendered ones: the same defaults and field order.
        CustomResourceDefinition crd =
            YAML.readValue(file.toFile(), CustomResourceDefinition.class);
        ObjectNode tree = JSON.valueToTree(crd);
        tree.remove("status");
        byName.put(crd.getMetadata().getName(), tree);
      }
    }
    return byName;
  }
}
