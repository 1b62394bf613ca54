package dev.registryoperator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.registryoperator.common.PrinterColumnOrder;
import dev.registryoperator.gc.GcSchedule;
import dev.registryoperator.registry.Registry;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code kubectl get registries} and {@code kubectl get gcschedules} print: the committed
 * CRDs' printer columns in the order declared on the classes, Age last.
 */
class PrinterColumnsTest {
  private static final Path COMMITTED = Path.of(System.getProperty("crds.dir", "../crds"));
  private static final ObjectMapper YAML = new YAMLMapper();

  @Test
  void theCommittedCrdsListTheColumnsAsDeclaredWithAgeLast() throws IOException {
    assertThat(columnNames(Registry.class, false))
        .containsExactly("Ready", "Phase", "Replicas", "Endpoint", "Age")
        .isEqualTo(PrinterColumnOrder.declared(Registry.class));
    assertThat(columnNames(GcSchedule.class, false))
        .containsExactly(
            "Registry", "Schedule", "Suspend", "Last Result", "Reclaimed", "Next Run", "Age")
        .isEqualTo(PrinterColumnOrder.declared(GcSchedule.class));
  }

  /** The printer columns' names in the committed CRD of this class, in their order. */
  private static List<String> columnNames(Class<?> resource, boolean priorityZeroOnly)
      throws IOException {
    Path file = COMMITTED.resolve(CustomResource.getCRDName(resource) + "-v1.yml");
    JsonNode columns = YAML.readTree(file.toFile()).at("/spec/versions/0/additionalPrinterColumns");
    List<String> names = new ArrayList<>();
    for (JsonNode column : columns) {
      if (!priorityZeroOnly || column.path("priority").asInt(0) == 0) {
        names.add(column.path("name").asText());
      }
    }
    return names;
  }
}
