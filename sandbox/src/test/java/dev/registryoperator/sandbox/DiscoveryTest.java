package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The discovery documents say what the CRDs in crds/ say, and what kubectl needs of the built-in
 * kinds.
 */
class DiscoveryTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<CustomResourceDefinition> crds() throws IOException {
    Path dir = Sandbox.Builder.findRepoRoot().resolve("crds");
    List<CustomResourceDefinition> crds = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          crds.add(Serialization.unmarshal(in, CustomResourceDefinition.class));
        }
      }
    }
    return crds;
  }

  @Test
  void everyCrdIsDiscoverableByPluralShortNamesAndCategories() throws Exception {
    Discovery discovery = new Discovery("127.0.0.1:1");
    List<CustomResourceDefinition> crds = crds();
    assertThat(crds).hasSize(2);
    crds.forEach(discovery::addCustomResource);
    for (CustomResourceDefinition crd : crds) {
      var names = crd.getSpec().getNames();
      String groupVersion =
          crd.getSpec().getGroup() + "/" + crd.getSpec().getVersions().get(0).getName();
      JsonNode list =
          JSON.readTree(discovery.document("/apis/" + groupVersion + "?timeout=32s").orElseThrow());
      assertThat(list.path("groupVersion").asText()).isEqualTo(groupVersion);
      JsonNode resource = find(list, names.getPlural());
      assertThat(resource.path("kind").asText()).isEqualTo(names.getKind());
      assertThat(resource.path("singularName").asText()).isEqualTo(names.getSingular());
      assertThat(resource.path("namespaced").asBoolean())
          .isEqualTo("Namespaced".equals(crd.getSpec().getScope()));
      assertThat(JSON.convertValue(resource.path("shortNames"), List.class))
          .isEqualTo(names.getShortNames());
      assertThat(JSON.convertValue(resource.path("categories"), List.class))
          .isEqualTo(names.getCategories());
      assertThat(find(list, names.getPlural() + "/status").path("kind").asText())
          .isEqualTo(names.getKind());
      JsonNode groups = JSON.readTree(discovery.document("/apis").orElseThrow());
      assertThat(groups.path("groups").findValuesAsText("name")).contains(crd.getSpec().getGroup());
    }
  }

  @Test
  void builtInKindsAreDiscoverable() throws Exception {
    Discovery discovery = new Discovery("127.0.0.1:1");
    assertThat(
            JSON.readTree(discovery.document("/api").orElseThrow())
                .path("versions")
                .get(0)
                .asText())
        .isEqualTo("v1");
    JsonNode core = JSON.readTree(discovery.document("/api/v1").orElseThrow());
    assertThat(find(core, "pods").path("shortNames").get(0).asText()).isEqualTo("po");
    assertThat(find(core, "events").path("kind").asText()).isEqualTo("Event");
    assertThat(
            find(JSON.readTree(discovery.document("/apis/apps/v1/").orElseThrow()), "deployments")
                .path("kind")
                .asText())
        .isEqualTo("Deployment");
    assertThat(
            find(JSON.readTree(discovery.document("/apis/batch/v1").orElseThrow()), "jobs")
                .path("kind")
                .asText())
        .isEqualTo("Job");
    assertThat(discovery.document("/apis/nothing.example/v1")).isEmpty();
    assertThat(discovery.document("/api/v1/namespaces/default/pods")).isEmpty();
  }

  private static JsonNode find(JsonNode list, String name) {
    for (JsonNode r : list.path("resources")) {
      if (name.equals(r.path("name").asText())) {
        return r;
      }
    }
    throw new AssertionError("no resource " + name + " in " + list);
  }
}
