package dev.registryoperator.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Renders the registry's {@code config.yml} from a spec. Pure. Deletes are always enabled (GC needs
 * them). Read-only is not in this file: it is an environment variable of the registry container
 * ({@link RegistryDeployment#READ_ONLY_ENV}), so pods prove it by their own spec.
 */
public final class RegistryConfigFile {
  /** Paths in the user's {@code config} that the operator owns, as dotted keys. */
  public static final List<String> OWNED_KEYS =
      List.of("storage", "auth", "http.addr", "http.tls", "http.debug");

  private RegistryConfigFile() {}

  /**
   * Owned keys a user config sets, in the order of {@link #OWNED_KEYS}. A key counts as set even
   * with an explicit null (merged, it would remove what the operator wrote: auth or TLS silently
   * off), and so does a parent of an owned key given as null or a scalar ({@code http: null}).
   */
  public static List<String> ownedKeysIn(Map<String, Object> userConfig) {
    List<String> found = new ArrayList<>();
    if (userConfig == null) {
      return found;
    }
    for (String key : OWNED_KEYS) {
      String[] parts = key.split("\\.");
      Map<?, ?> node = userConfig;
      for (int i = 0; i < parts.length && node != null; i++) {
        if (!node.containsKey(parts[i])) {
          break;
        }
        Object value = node.get(parts[i]);
        boolean last = i == parts.length - 1;
        if (last || !(value instanceof Map<?, ?>)) {
          String path = String.join(".", java.util.Arrays.copyOf(parts, i + 1));
          if (!found.contains(path)) {
            found.add(path);
          }
          break;
        }
        node = (Map<?, ?>) value;
      }
    }
    return found;
  }

  /**
   * The config file. It does not depend on the serving mode: read-only is set in the pod spec
   * ({@link RegistryDeployment#READ_ONLY_ENV}), so a maintenance window never rewrites this file.
   */
  public static String render(RegistrySpec spec) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("version", "0.1");
    config.put(
        "log", map("level", "info", "formatter", "text", "fields", map("service", "registry")));
    config.put("storage", storage(spec.getStorage()));
    Map<String, Object> http = new LinkedHashMap<>();
    http.put("addr", ":" + RegistryNames.CONTAINER_PORT);
    http.put("debug", map("addr", ":" + RegistryNames.DEBUG_PORT));
    // Without it the registry exits at once on SIGTERM and cuts off uploads in flight; a GC run
    // replaces the pods twice.
    http.put("draintimeout", RegistryNames.DRAIN_TIMEOUT_SECONDS + "s");
    http.put("headers", map("X-Content-Type-Options", List.of("nosniff")));
    if (spec.getTls() != null) {
      http.put(
          "tls",
          map(
              "certificate", RegistryNames.TLS_DIR + "/tls.crt",
              "key", RegistryNames.TLS_DIR + "/tls.key"));
    }
    config.put("http", http);
    if (spec.getAuth() != null && spec.getAuth().getHtpasswd() != null) {
      config.put(
          "auth",
          map(
              "htpasswd",
              map(
                  "realm",
                  "Registry",
                  "path",
                  RegistryNames.AUTH_DIR + "/" + RegistryNames.HTPASSWD_KEY)));
    }
    config.put(
        "health", map("storagedriver", map("enabled", true, "interval", "10s", "threshold", 3)));
    deepMerge(config, spec.getConfig());

    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    return new Yaml(options).dump(config);
  }

  private static Map<String, Object> storage(StorageSpec storage) {
    Map<String, Object> result = new LinkedHashMap<>();
    if (storage.getS3() != null) {
      S3StorageSpec s3 = storage.getS3();
      Map<String, Object> driver = new LinkedHashMap<>();
      driver.put("bucket", s3.getBucket());
      driver.put("region", s3.getRegion());
      if (s3.getRegionEndpoint() != null) {
        driver.put("regionendpoint", s3.getRegionEndpoint());
        driver.put("forcepathstyle", true);
      }
      if (s3.getRootDirectory() != null) {
        driver.put("rootdirectory", s3.getRootDirectory());
      }
      // Credentials come from REGISTRY_STORAGE_S3_ACCESSKEY/SECRETKEY (secretKeyRef), never from
      // here.
      result.put("s3", driver);
    } else {
      result.put("filesystem", map("rootdirectory", RegistryNames.DATA_DIR));
    }
    result.put("delete", map("enabled", true));
    result.put("cache", map("blobdescriptor", "inmemory"));
    return result;
  }

  @SuppressWarnings("unchecked")
  private static void deepMerge(Map<String, Object> target, Map<String, Object> overrides) {
    if (overrides == null) {
      return;
    }
    overrides.forEach(
        (key, value) -> {
          Object existing = target.get(key);
          if (existing instanceof Map<?, ?> existingMap && value instanceof Map<?, ?> valueMap) {
            Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) existingMap);
            deepMerge(merged, (Map<String, Object>) valueMap);
            target.put(key, merged);
          } else {
            target.put(key, value);
          }
        });
  }

  private static Map<String, Object> map(Object... keyValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put((String) keyValues[i], keyValues[i + 1]);
    }
    return map;
  }
}
