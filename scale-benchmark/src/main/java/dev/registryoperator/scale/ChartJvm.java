package dev.registryoperator.scale;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * What the Helm chart gives the operator's JVM: {@code javaOpts} (its {@code JAVA_TOOL_OPTIONS})
 * and the container's memory limit, read from {@code charts/registry-operator/values.yaml}.
 */
record ChartJvm(String javaOpts, String memoryLimit, long memoryLimitBytes) {

  static ChartJvm read(Path repoRoot) {
    Path values = repoRoot.resolve("charts/registry-operator/values.yaml");
    Map<String, Object> root;
    try (Reader in = Files.newBufferedReader(values)) {
      root = new Yaml().load(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + values, e);
    }
    String javaOpts = String.valueOf(root.getOrDefault("javaOpts", "")).trim();
    String limit = null;
    if (root.get("resources") instanceof Map<?, ?> resources
        && resources.get("limits") instanceof Map<?, ?> limits
        && limits.get("memory") != null) {
      limit = String.valueOf(limits.get("memory"));
    }
    if (limit == null) {
      throw new IllegalStateException(values + " sets no resources.limits.memory");
    }
    return new ChartJvm(javaOpts, limit, bytes(limit));
  }

  /** A Kubernetes quantity of bytes ({@code 512Mi}, {@code 1Gi}, {@code 500M}, {@code 1000}). */
  static long bytes(String quantity) {
    String q = quantity.trim();
    String[][] units = {
      {"Ki", "1024"}, {"Mi", "1048576"}, {"Gi", "1073741824"}, {"Ti", "1099511627776"},
      {"k", "1000"}, {"M", "1000000"}, {"G", "1000000000"}, {"T", "1000000000000"}
    };
    for (String[] u : units) {
      if (q.endsWith(u[0])) {
        return Long.parseLong(q.substring(0, q.length() - u[0].length())) * Long.parseLong(u[1]);
      }
    }
    return Long.parseLong(q);
  }
}
