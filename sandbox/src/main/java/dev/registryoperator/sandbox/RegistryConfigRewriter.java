package dev.registryoperator.sandbox;

import dev.registryoperator.registry.RegistryNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Rewrites a registry's {@code config.yml} as rendered by the operator into one that runs on this
 * machine, changing only what must change on a laptop: the listen addresses {@code http.addr} and
 * {@code http.debug.addr} become 127.0.0.1 and the local port of their container port, and every
 * path under a volume mount (the storage {@code rootdirectory}, TLS and htpasswd files) becomes the
 * local path. The rest, read-only mode included, stays as the operator rendered it. {@link
 * #rewrite} is pure; {@link #rewriteMounted} rewrites a pod's file in place.
 */
final class RegistryConfigRewriter {
  private RegistryConfigRewriter() {}

  /**
   * Rewrites the config.yml a pod mounts at {@link RegistryNames#CONFIG_PATH}, if it mounts one.
   *
   * @param ports container port to local port
   */
  static void rewriteMounted(PodFiles files, Map<Integer, Integer> ports) throws IOException {
    Optional<Path> config = files.local(RegistryNames.CONFIG_PATH);
    if (config.isPresent() && Files.isRegularFile(config.get())) {
      Files.writeString(config.get(), rewrite(Files.readString(config.get()), ports, files::map));
    }
  }

  /**
   * @param ports container port to local port
   * @param paths container path to local path (returns its argument for paths outside any mount)
   */
  static String rewrite(String yaml, Map<Integer, Integer> ports, UnaryOperator<String> paths) {
    Object parsed = new Yaml().load(yaml);
    if (!(parsed instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("registry config is not a YAML map");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> config = (Map<String, Object>) mapPaths(parsed, paths);
    Map<String, Object> http = child(config, "http");
    if (http != null) {
      rewriteAddress(http, ports);
      Map<String, Object> debug = child(http, "debug");
      if (debug != null) {
        rewriteAddress(debug, ports);
      }
    }
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    return new Yaml(options).dump(config);
  }

  /**
   * {@code :5000}, {@code 0.0.0.0:5000} or {@code [::]:5000} to {@code 127.0.0.1:<local port of
   * 5000>}.
   */
  static String localAddress(String address, Map<Integer, Integer> ports) {
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      return address;
    }
    try {
      int port = Integer.parseInt(address.substring(colon + 1));
      Integer local = ports.get(port);
      return local == null ? address : "127.0.0.1:" + local;
    } catch (NumberFormatException e) {
      return address;
    }
  }

  private static void rewriteAddress(Map<String, Object> section, Map<Integer, Integer> ports) {
    if (section.get("addr") instanceof String addr) {
      section.put("addr", localAddress(addr, ports));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> child(Map<String, Object> map, String key) {
    return map.get(key) instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
  }

  private static Object mapPaths(Object node, UnaryOperator<String> paths) {
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), mapPaths(v, paths)));
      return out;
    }
    if (node instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(mapPaths(v, paths)));
      return out;
    }
    if (node instanceof String s && s.startsWith("/")) {
      return paths.apply(s);
    }
    return node;
  }
}
