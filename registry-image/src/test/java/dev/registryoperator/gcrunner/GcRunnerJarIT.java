package dev.registryoperator.gcrunner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.registryoperator.gcrunner.testkit.ImagePusher;
import dev.registryoperator.gcrunner.testkit.ImagePusher.Format;
import dev.registryoperator.gcrunner.testkit.ImageVerifier;
import dev.registryoperator.gcrunner.testkit.PushedImage;
import dev.registryoperator.gcrunner.testkit.RegistryProcess;
import dev.registryoperator.gcrunner.testkit.StorageSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code target/gc-runner.jar}, run as the GC Job runs it: {@code java -jar
 * gc-runner.jar ...}.
 */
class GcRunnerJarIT {
  private static final Path JAR = Path.of("target/gc-runner.jar");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private record Result(int exitCode, String stdout) {}

  @Test
  void isASelfContainedRunnableJarWithoutKubernetes() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo("dev.registryoperator.gcrunner.Main");
      assertThat(jar.getEntry("org/yaml/snakeyaml/Yaml.class")).isNotNull();
      assertThat(jar.getEntry("com/fasterxml/jackson/core/JsonFactory.class")).isNotNull();
      assertThat(
              jar.stream()
                  .map(e -> e.getName())
                  .filter(n -> n.contains("kubernetes") || n.contains("fabric8")))
          .isEmpty();
    }
    // 2.3 MiB without the S3 client (AWS SDK for Java v2: s3 and its core, with the JDK's HTTP
    // client, no Netty or Apache); its classes load only for a registry on S3
    assertThat(Files.size(JAR)).isLessThan(12L * 1024 * 1024);
    assertThat(jar(JAR, "software/amazon/awssdk/services/s3/S3Client.class")).isTrue();
    assertThat(jar(JAR, "io/netty/")).as("no Netty").isFalse();
  }

  private static boolean jar(Path file, String prefix) throws IOException {
    try (JarFile jar = new JarFile(file.toFile())) {
      return jar.stream().anyMatch(e -> e.getName().startsWith(prefix));
    }
  }

  @Test
  void helpExplainsEveryOption() throws Exception {
    Result help = java("--help");

    assertThat(help.exitCode()).isZero();
    assertThat(help.stdout())
        .contains(
            "--config PATH",
            "--dry-run",
            "--delete-untagged",
            "--registry-binary PATH",
            "--report PATH",
            "/dev/termination-log",
            "REGISTRY_BINARY",
            "Exit codes");
  }

  @Test
  void collectsARealRegistryAndWritesTheReport() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      ImagePusher pusher = new ImagePusher(registry.client());
      PushedImage kept = pusher.pushImage("app", "v1", Format.Oci, 8192);
      PushedImage index = pusher.pushMultiPlatform("app", "multi", Format.Docker, 2, 1024);
      PushedImage gone = pusher.pushImage("app", "v0", Format.Docker, 4096);
      registry.client().deleteManifest("app", gone.digest());
      registry.stop();
      StorageSnapshot before = StorageSnapshot.of(registry.storage());
      Path report = dir.resolve("termination-log");

      Result run =
          java(
              "--config",
              registry.configFile().toString(),
              "--report",
              report.toString(),
              "--registry-binary",
              RegistryProcess.binary().toString());

      assertThat(run.exitCode()).as(run.stdout()).isZero();
      JsonNode json = JSON.readTree(Files.readString(report));
      assertThat(json.get("result").asText()).isEqualTo("Succeeded");
      assertThat(json.get("reclaimedBytes").asLong())
          .isEqualTo(StorageSnapshot.of(registry.storage()).bytesGoneSince(before));
      assertThat(json.get("blobsDeleted").asLong()).isEqualTo(3);
      assertThat(json.get("integrity").get("manifests").asLong()).isEqualTo(4);
      assertThat(run.stdout()).contains("gc-runner", "Succeeded (exit 0)");

      registry.start();
      new ImageVerifier(registry.client()).pull(kept);
      new ImageVerifier(registry.client()).pull(index);
    }
  }

  @Test
  void registryBinaryFromTheEnvironmentAndExitCode2() throws Exception {
    Path report = dir.resolve("report.json");

    Result run =
        java("--config", dir.resolve("missing.yml").toString(), "--report", report.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(JSON.readTree(Files.readString(report)).get("result").asText())
        .isEqualTo("ConfigurationError");
  }

  @Test
  void sigtermStopsGarbageCollectWritesTheReportAndExits3() throws Exception {
    Path started = dir.resolve("real-run-started");
    Path registry =
        RunnerHarness.script(
            dir,
            "registry",
            """
                if [ "$1" = "--version" ]; then echo "registry github.com/distribution/distribution/v3 3.0.0"; exit 0; fi
                case " $* " in *" --dry-run "*) printf '\\n0 blobs marked, 0 blobs and 0 manifests eligible for deletion\\n'; exit 0;; esac
                touch "%s"
                exec sleep 60
                """
                .formatted(started));
    Path config = dir.resolve("config.yml");
    Files.writeString(
        config, "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("storage") + "\n");
    Path report = dir.resolve("report.json");
    Process process =
        start(
            "--config",
            config.toString(),
            "--registry-binary",
            registry.toString(),
            "--report",
            report.toString());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(started) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(started).exists();
    java.util.List<ProcessHandle> children = process.descendants().toList();

    process.destroy(); // SIGTERM, as the kubelet sends at the Job's deadline

    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(3);
    JsonNode json = JSON.readTree(Files.readString(report));
    assertThat(json.get("result").asText()).isEqualTo("GarbageCollectFailed");
    assertThat(json.get("message").asText()).contains("terminated");
    for (ProcessHandle child : children) {
      child.onExit().get(10, TimeUnit.SECONDS);
    }
  }

  private Process start(String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("runner.log").toFile())
        .start();
  }

  private Result java(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("REGISTRY_BINARY", RegistryProcess.binary().toString());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("gc-runner.jar did not finish: " + out);
    }
    return new Result(process.exitValue(), out);
  }
}
