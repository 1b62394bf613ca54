package dev.registryoperator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.registryoperator.common.PrinterColumnOrder;
import dev.registryoperator.gc.GcSchedule;
import dev.registryoperator.registry.Registry;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * What {@code kubectl get registries} and {@code kubectl get gcschedules} print: the committed
 * CRDs' printer columns in the order declared on the classes, Age last, and the README's sample
 * output has those headers.
 */
class PrinterColumnsTest {
  private static final Path COMMITTED = Path.of(System.getProperty("crds.dir", "../crds"));
  private static final Path README = COMMITTED.resolveSibling("README.md");
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

  /**
   * Each sample {@code $ kubectl get <plural>} in the README is followed by the header kubectl
   * prints: NAME, then the CRD's columns of priority 0 (the others only with -o wide), upper-case.
   */
  @Test
  void theReadmesSampleOutputHasTheCrdsColumns() throws IOException {
    List<String> lines = Files.readAllLines(README);
    for (Class<?> resource : List.of(Registry.class, GcSchedule.class)) {
      String command = "$ kubectl get " + HasMetadata.getPlural(resource);
      int at = lines.indexOf(command);
      assertThat(at).as("README.md shows the output of '%s'", command).isNotNegative();
      List<String> expected = new ArrayList<>(List.of("NAME"));
      columnNames(resource, true).forEach(name -> expected.add(name.toUpperCase(Locale.ROOT)));
      assertThat(lines.get(at + 1).trim().split(" {2,}"))
          .as("the header after '%s' in README.md", command)
          .containsExactlyElementsOf(expected);
    }
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
