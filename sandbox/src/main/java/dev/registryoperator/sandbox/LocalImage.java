package dev.registryoperator.sandbox;

import dev.registryoperator.registry.RegistryNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The registry image (registry-image/Dockerfile), found on this machine: its executables and files
 * by their path in the image, and the environment the image sets. Pods whatever their {@code
 * image:} run from it.
 *
 * @param registryBinary what {@code /usr/local/bin/registry} is for registry pods
 * @param gcRegistryBinary what {@code REGISTRY_BINARY} is for GC Job pods (tests put a slow or
 *     failing wrapper here; normally the same as {@code registryBinary})
 * @param gcRunnerJar what {@code /opt/gc-runner/gc-runner.jar} is
 * @param java what {@code java} is: this JVM's own
 */
public record LocalImage(Path registryBinary, Path gcRegistryBinary, Path gcRunnerJar, Path java) {
  /**
   * The image's JVM options (registry-image/README.md): cheaper start for a short, I/O-bound run.
   */
  public static final String JDK_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /**
   * The registry binary ({@code REGISTRY_BINARY}, else Debian's docker-registry) and the given
   * runner jar.
   */
  public static LocalImage detect(Path gcRunnerJar) {
    Path registry = registryBinaryFromEnvironment();
    return new LocalImage(
        registry, registry, gcRunnerJar, Path.of(System.getProperty("java.home"), "bin", "java"));
  }

  public static Path registryBinaryFromEnvironment() {
    String fromEnv = System.getenv("REGISTRY_BINARY");
    return Path.of(fromEnv == null || fromEnv.isBlank() ? "/usr/bin/docker-registry" : fromEnv);
  }

  public LocalImage withGcRegistryBinary(Path binary) {
    return new LocalImage(registryBinary, binary, gcRunnerJar, java);
  }

  /** Fails with a message that says what to install or build when a piece is missing. */
  public void check() {
    if (!Files.isExecutable(registryBinary)) {
      throw new IllegalStateException(
          "registry binary "
              + registryBinary
              + " not found: apt-get install docker-registry, or set REGISTRY_BINARY");
    }
    if (!Files.isRegularFile(gcRunnerJar)) {
      throw new IllegalStateException(
          "GC runner " + gcRunnerJar + " not found: ./mvnw -pl registry-image package -DskipTests");
    }
  }

  /** The local file behind a path or command name of the image, if the image has it. */
  Optional<Path> file(String imagePath, boolean forJob) {
    return switch (imagePath) {
      case RegistryNames.REGISTRY_BINARY, "registry" ->
          Optional.of(forJob ? gcRegistryBinary : registryBinary);
      case RegistryNames.GC_RUNNER_JAR -> Optional.of(gcRunnerJar);
      case "java", "/usr/bin/java", "/opt/java/openjdk/bin/java" -> Optional.of(java);
      default -> Optional.empty();
    };
  }

  /** The environment the image sets (Dockerfile ENV), before the container's own. */
  Map<String, String> environment(boolean forJob) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", PATH);
    env.put("REGISTRY_BINARY", (forJob ? gcRegistryBinary : registryBinary).toString());
    env.put("JDK_JAVA_OPTIONS", JDK_JAVA_OPTIONS);
    env.put("OTEL_TRACES_EXPORTER", "none");
    return env;
  }
}
