package dev.registryoperator.gcrunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * What the runner needs from the registry's own {@code config.yml}: the storage driver, the
 * filesystem root, and the secret values that must never appear in a report or a log.
 *
 * @param storageDriver the storage section's driver key, e.g. {@code filesystem} or {@code s3}
 * @param rootDirectory the filesystem root ({@code storage.filesystem.rootdirectory}); null for
 *     other drivers
 * @param s3 where an {@code s3} storage is; null for other drivers
 * @param secrets values found under secret-looking keys (keys, passwords, tokens), for {@link
 *     Redactor}
 */
public record RegistryConfig(
    String storageDriver, Path rootDirectory, S3Location s3, List<String> secrets) {

  public static final Path DEFAULT_ROOT = Path.of("/var/lib/registry");

  /** Keys of the storage section that configure the registry, not a driver. */
  private static final Set<String> NON_DRIVER_KEYS =
      Set.of("delete", "maintenance", "cache", "redirect", "tag");

  /** A {@code rootdirectory: VALUE} line, the value up to a comment. */
  private static final Pattern ROOT_DIRECTORY_LINE =
      Pattern.compile("(?m)^\\s*rootdirectory:[ \\t]*([^#\\r\\n]*)");

  private static final Pattern SECRET_KEY =
      Pattern.compile(".*(secret|password|passwd|key|token|credential).*");

  public boolean isFilesystem() {
    return "filesystem".equals(storageDriver);
  }

  public boolean isS3() {
    return s3 != null;
  }

  /**
   * Reads {@code file}; the environment's {@code REGISTRY_STORAGE...} overrides win, as in the
   * registry.
   */
  public static RegistryConfig load(Path file, Map<String, String> env) throws UsageException {
    return parse(read(file), env, file.toString());
  }

  /** The config file's text. */
  public static String read(Path file) throws UsageException {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new UsageException("registry config not found: " + file);
    } catch (IOException e) {
      throw new UsageException("cannot read registry config " + file + ": " + e.getMessage());
    }
  }

  /**
   * Where a filesystem storage probably is, from a glance at the config text, without parsing the
   * YAML: the environment's override, else the first {@code rootdirectory:} value, else the default
   * root when the text mentions {@code filesystem}. Only a hint, so that work on the storage can
   * start while the YAML is parsed: what {@link #parse} says decides.
   */
  public static Optional<Path> filesystemRootHint(String yamlText, Map<String, String> env) {
    String override = env.getOrDefault("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", "").trim();
    if (!override.isEmpty()) {
      return Optional.of(Path.of(override));
    }
    Matcher root = ROOT_DIRECTORY_LINE.matcher(yamlText);
    if (root.find()) {
      String value = root.group(1).strip();
      if (value.length() >= 2
          && (value.startsWith("\"") && value.endsWith("\"")
              || value.startsWith("'") && value.endsWith("'"))) {
        value = value.substring(1, value.length() - 1);
      }
      try {
        return value.isEmpty() ? Optional.empty() : Optional.of(Path.of(value));
      } catch (InvalidPathException e) {
        return Optional.empty();
      }
    }
    return yamlText.contains("filesystem") ? Optional.of(DEFAULT_ROOT) : Optional.empty();
  }

  public static RegistryConfig parse(String yamlText, Map<String, String> env, String source)
      throws UsageException {
    Object root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yamlText);
    } catch (YAMLException e) {
      String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new UsageException(
          "registry config " + source + " is not valid YAML: " + firstLine(detail));
    }
    if (!(root instanceof Map<?, ?> top)) {
      throw new UsageException("registry config " + source + " is not a YAML mapping");
    }
    List<String> secrets = new ArrayList<>();
    collectSecrets(top, false, secrets);
    env.forEach(
        (name, value) -> {
          if (name.startsWith("REGISTRY_")
              && SECRET_KEY.matcher(name.toLowerCase(Locale.ROOT)).matches()) {
            addSecret(value, secrets);
          }
        });

    if (!(top.get("storage") instanceof Map<?, ?> storage)) {
      throw new UsageException("registry config " + source + " has no storage section");
    }
    List<String> drivers = new ArrayList<>();
    for (Object key : storage.keySet()) {
      if (!NON_DRIVER_KEYS.contains(String.valueOf(key))) {
        drivers.add(String.valueOf(key));
      }
    }
    String driver = env.getOrDefault("REGISTRY_STORAGE", "").trim();
    if (driver.isEmpty()) {
      if (drivers.size() != 1) {
        throw new UsageException(
            "registry config "
                + source
                + " must configure exactly one storage driver,"
                + " found "
                + (drivers.isEmpty() ? "none" : String.join(", ", drivers)));
      }
      driver = drivers.get(0);
    }
    if (driver.equals("inmemory")) {
      throw new UsageException(
          "storage driver inmemory keeps nothing on disk: there is nothing to collect");
    }
    Path rootDirectory = null;
    if (driver.equals("filesystem")) {
      rootDirectory = DEFAULT_ROOT;
      Object params = storage.get("filesystem");
      if (params instanceof Map<?, ?> map && map.get("rootdirectory") != null) {
        rootDirectory = Path.of(String.valueOf(map.get("rootdirectory")));
      }
      String override = env.getOrDefault("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", "").trim();
      if (!override.isEmpty()) {
        rootDirectory = Path.of(override);
      }
    }
    S3Location s3 =
        driver.equals("s3")
            ? S3Location.of(storage.get("s3") instanceof Map<?, ?> m ? m : Map.of(), env)
            : null;
    return new RegistryConfig(driver, rootDirectory, s3, List.copyOf(secrets));
  }

  private static void collectSecrets(Object node, boolean underSecretKey, List<String> secrets) {
    if (node instanceof Map<?, ?> map) {
      map.forEach(
          (key, value) ->
              collectSecrets(
                  value,
                  underSecretKey
                      || SECRET_KEY.matcher(String.valueOf(key).toLowerCase(Locale.ROOT)).matches(),
                  secrets));
    } else if (node instanceof List<?> list) {
      list.forEach(item -> collectSecrets(item, underSecretKey, secrets));
    } else if (underSecretKey && node != null) {
      addSecret(String.valueOf(node), secrets);
    }
  }

  private static void addSecret(String value, List<String> secrets) {
    // Very short values ("true", "1") would blank out ordinary words, and are not credentials
    // anyway.
    if (value != null && value.length() >= 6 && !secrets.contains(value)) {
      secrets.add(value);
    }
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
