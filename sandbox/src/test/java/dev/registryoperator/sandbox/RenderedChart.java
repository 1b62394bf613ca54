package dev.registryoperator.sandbox;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Helm chart ({@code charts/registry-operator}) rendered with helm-java (Helm as a native
 * library, no helm binary) for a release {@code registry-operator}, as `helm template` renders it:
 * every object parsed by Fabric8 (kinds it has no model for, such as a ServiceMonitor, as {@link
 * io.fabric8.kubernetes.api.model.GenericKubernetesResource}).
 */
final class RenderedChart {
  static final String RELEASE = "registry-operator";

  final String yaml;
  final List<HasMetadata> objects;

  private RenderedChart(String yaml, List<HasMetadata> objects) {
    this.yaml = yaml;
    this.objects = objects;
  }

  static Path chartDirectory() {
    return Sandbox.Builder.findRepoRoot().resolve("charts/registry-operator");
  }

  /**
   * The chart rendered for a release in {@code namespace} with {@code values} (YAML, as in a values
   * file given with -f) over the chart's defaults.
   */
  static RenderedChart render(String namespace, String values) {
    Path file = null;
    try {
      file = Files.createTempFile("values-", ".yaml");
      Files.writeString(file, values);
      String yaml =
          new Helm(chartDirectory())
              .template()
              .withName(RELEASE)
              .withNamespace(namespace)
              .withValuesFile(file)
              .call();
      return new RenderedChart(yaml, parse(yaml));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (file != null) {
        file.toFile().delete();
      }
    }
  }

  private static List<HasMetadata> parse(String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : yaml.split("(?m)^---\\s*$")) {
      if (document.lines().anyMatch(l -> l.startsWith("kind:"))) {
        objects.add(
            Serialization.unmarshal(
                new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8))));
      }
    }
    return objects;
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  List<HasMetadata> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.getKind())).toList();
  }

  Optional<HasMetadata> one(String kind) {
    List<HasMetadata> found = ofKind(kind);
    if (found.size() > 1) {
      throw new AssertionError("the chart renders " + found.size() + " objects of kind " + kind);
    }
    return found.stream().findFirst();
  }

  <T extends HasMetadata> T one(Class<T> type) {
    List<T> found = all(type);
    if (found.size() != 1) {
      throw new AssertionError(
          "the chart renders " + found.size() + " " + type.getSimpleName() + ", not one");
    }
    return found.get(0);
  }
}
