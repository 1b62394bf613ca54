package dev.registryoperator.gcrunner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs {@link GcRunner} in this JVM, as {@code java -jar gc-runner.jar} would, and collects what it
 * produced.
 */
public final class RunnerHarness {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One run: exit code, the report (raw and parsed) and the stdout log. */
  public record Run(int exitCode, String reportJson, JsonNode report, String log) {
    public String result() {
      return report.get("result").asText();
    }

    public long number(String field) {
      return report.get(field).asLong();
    }

    public JsonNode integrity() {
      return report.get("integrity");
    }
  }

  private RunnerHarness() {}

  /**
   * Runs with {@code --report <dir>/report.json}; {@code extraEnv} is added to this process's
   * environment.
   */
  static Run run(Path dir, Map<String, String> extraEnv, String... args) throws IOException {
    return run(dir, extraEnv, RegistryBinary.VERSION_TIMEOUT, args);
  }

  /**
   * As {@link #run(Path, Map, String...)}, waiting at most {@code versionTimeout} for {@code
   * registry --version}.
   */
  static Run run(
      Path dir, Map<String, String> extraEnv, java.time.Duration versionTimeout, String... args)
      throws IOException {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.remove("REGISTRY_BINARY");
    env.putAll(extraEnv);
    return runInEnvironment(env, versionTimeout, dir, args);
  }

  /**
   * Runs with {@code --report <dir>/report.json} in exactly {@code env} (a registry on S3 must not
   * see this machine's {@code AWS_*} variables).
   */
  public static Run runInEnvironment(Map<String, String> env, Path dir, String... args)
      throws IOException {
    return runInEnvironment(env, RegistryBinary.VERSION_TIMEOUT, dir, args);
  }

  private static Run runInEnvironment(
      Map<String, String> env, java.time.Duration versionTimeout, Path dir, String... args)
      throws IOException {
    Path report = dir.resolve("report.json");
    Files.deleteIfExists(report);
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--report");
    all.add(report.toString());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exitCode;
    try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      exitCode = new GcRunner(print, env, versionTimeout).run(all.toArray(String[]::new));
    }
    String log = out.toString(StandardCharsets.UTF_8);
    String json = Files.readString(report);
    return new Run(exitCode, json, JSON.readTree(json), log);
  }

  /** Runs against {@code config} with the given registry binary. */
  static Run runWith(Path binary, Path config, Path dir, String... options) throws IOException {
    return runWith(binary, config, dir, RegistryBinary.VERSION_TIMEOUT, options);
  }

  /**
   * As {@link #runWith(Path, Path, Path, String...)}, waiting at most {@code versionTimeout} for
   * the version.
   */
  static Run runWith(
      Path binary, Path config, Path dir, java.time.Duration versionTimeout, String... options)
      throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of("--config", config.toString(), "--registry-binary", binary.toString()));
    args.addAll(List.of(options));
    return run(dir, Map.of(), versionTimeout, args.toArray(String[]::new));
  }

  /** A shell script standing in for the registry binary, as {@code <dir>/bin/<name>}. */
  public static Path script(Path dir, String name, String body) throws IOException {
    Path script = Files.createDirectories(dir.resolve("bin")).resolve(name);
    Files.writeString(script, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  /** Every file under {@code root} with its size: to prove that nothing changed. */
  static Map<String, Long> tree(Path root) throws IOException {
    Map<String, Long> files = new java.util.TreeMap<>();
    if (!Files.exists(root)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : (Iterable<Path>) walk::iterator) {
        files.put(
            root.relativize(path).toString(), Files.isRegularFile(path) ? Files.size(path) : -1L);
      }
    }
    return files;
  }
}
