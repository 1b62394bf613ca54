package dev.registryoperator.scale;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator as a process of its own: the shipped runnable jar ({@code java -jar
 * operator/target/registry-operator.jar}) with the chart's JVM options in {@code
 * JAVA_TOOL_OPTIONS}, as the chart's Deployment sets them, and a container-like memory limit.
 * Measured from outside with /proc, {@code jstat} and {@code jcmd}, which come with the JDK.
 */
final class OperatorProcess implements AutoCloseable {
  /** The User-Agent of the operator's requests, so the mock's log tells them apart. */
  static final String USER_AGENT = "registry-operator/scale-benchmark";

  /** Heap figures from {@code jstat -gc}, in KiB. */
  record Heap(double usedKib, double committedKib, double metaspaceUsedKib) {
    @Override
    public String toString() {
      return String.format(
          "heap %s used of %s committed, metaspace %s",
          ScaleBenchmark.mib(usedKib * 1024),
          ScaleBenchmark.mib(committedKib * 1024),
          ScaleBenchmark.mib(metaspaceUsedKib * 1024));
    }
  }

  private final Process process;
  private final int healthPort;
  private final List<String> command;
  private final String javaToolOptions;
  private final List<String> containerFlags;

  private OperatorProcess(
      Process process,
      int healthPort,
      List<String> command,
      String javaToolOptions,
      List<String> containerFlags) {
    this.process = process;
    this.healthPort = healthPort;
    this.command = command;
    this.javaToolOptions = javaToolOptions;
    this.containerFlags = containerFlags;
  }

  /**
   * Starts {@code jar} against {@code kubeconfig}. The JVM gets {@code JAVA_TOOL_OPTIONS} = the
   * chart's {@code javaOpts}, and on its command line {@code -XX:MaxRAM=<the chart's memory limit>}
   * (so {@code MaxRAMPercentage} sizes the heap as in the container), {@code -XX:+UseSerialGC}
   * unless {@code extraOptions} choose a collector (the JVM picks Serial itself in a container with
   * less than 1792 MiB; MaxRAM does not make it), then {@code extraOptions}.
   */
  static OperatorProcess start(
      Path jar, ChartJvm chart, List<String> extraOptions, Path kubeconfig, Path log, Path jfr)
      throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing: build it with ./mvnw -q -pl operator -am package -DskipTests");
    }
    int port = freePort();
    List<String> container = new ArrayList<>();
    container.add("-XX:MaxRAM=" + chart.memoryLimitBytes());
    boolean choosesGc = extraOptions.stream().anyMatch(o -> o.matches("-XX:\\+Use[A-Za-z]*GC"));
    if (!choosesGc && chart.memoryLimitBytes() < 1792L * 1024 * 1024) {
      container.add("-XX:+UseSerialGC");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(container);
    cmd.add("-Dkubernetes.user.agent=" + USER_AGENT);
    cmd.addAll(extraOptions);
    if (jfr != null) {
      cmd.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true");
    }
    cmd.add("-jar");
    cmd.add(jar.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("KUBERNETES_") || k.equals("_JAVA_OPTIONS"));
    env.put("JAVA_TOOL_OPTIONS", chart.javaOpts());
    env.putAll(imageEnv(jar.toAbsolutePath().getParent().getParent().resolve("Dockerfile")));
    env.put("KUBECONFIG", kubeconfig.toString());
    env.put("HEALTH_PORT", String.valueOf(port));
    env.put("METRICS_PORT", String.valueOf(port)); // one server: no second fixed port to collide
    env.remove("WATCH_NAMESPACES");
    env.remove("LEADER_ELECTION_NAMESPACE");
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    return new OperatorProcess(p, port, cmd, chart.javaOpts(), container);
  }

  long pid() {
    return process.pid();
  }

  /** How the JVM was started, for the output. */
  String describe() {
    return "JAVA_TOOL_OPTIONS=\""
        + javaToolOptions
        + "\" "
        + String.join(" ", command.subList(1, command.size()))
            .replace(Path.of("").toAbsolutePath() + "/", "");
  }

  List<String> containerFlags() {
    return containerFlags;
  }

  /** Waits until {@code /healthz} answers 200 (every informer started and healthy). */
  void awaitHealthy(Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    Instant end = Instant.now().plus(timeout);
    while (Instant.now().isBefore(end)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the operator exited with " + process.exitValue());
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/healthz"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the operator was not healthy within " + timeout);
  }

  boolean alive() {
    return process.isAlive();
  }

  double cpuSeconds() {
    return ProcCpu.processSeconds(pid());
  }

  long rssBytes() {
    return ProcCpu.statusValue(pid(), "VmRSS") * 1024;
  }

  long threads() {
    return ProcCpu.statusValue(pid(), "Threads");
  }

  /** From {@code jstat -gc}: heap used (survivors, eden, old) and committed, metaspace used. */
  Heap heap() {
    String[] lines = tool("jstat", "-gc", String.valueOf(pid())).trim().split("\n");
    if (lines.length < 2) {
      return new Heap(-1, -1, -1);
    }
    String[] names = lines[0].trim().split("\\s+");
    String[] values = lines[lines.length - 1].trim().split("\\s+");
    Map<String, Double> v = new HashMap<>();
    for (int i = 0; i < names.length && i < values.length; i++) {
      try {
        v.put(names[i], Double.parseDouble(values[i]));
      } catch (NumberFormatException e) {
        // "-" for a space the collector does not have
      }
    }
    double used =
        v.getOrDefault("S0U", 0.0)
            + v.getOrDefault("S1U", 0.0)
            + v.getOrDefault("EU", 0.0)
            + v.getOrDefault("OU", 0.0);
    double committed =
        v.getOrDefault("S0C", 0.0)
            + v.getOrDefault("S1C", 0.0)
            + v.getOrDefault("EC", 0.0)
            + v.getOrDefault("OC", 0.0);
    return new Heap(used, committed, v.getOrDefault("MU", -1.0));
  }

  /**
   * The JVM's native memory by category, committed, from {@code jcmd <pid> VM.native_memory
   * summary}; empty unless the operator runs with {@code -XX:NativeMemoryTracking=summary}.
   */
  String nativeMemory() {
    String summary = tool("jcmd", String.valueOf(pid()), "VM.native_memory", "summary");
    Matcher m =
        Pattern.compile("-\\s+([A-Za-z ]+?) \\(reserved=\\d+KB, committed=(\\d+)KB")
            .matcher(summary);
    List<String> parts = new ArrayList<>();
    while (m.find()) {
      long kib = Long.parseLong(m.group(2));
      if (kib >= 1024) {
        parts.add(m.group(1).trim() + " " + ScaleBenchmark.mib(kib * 1024.0));
      }
    }
    return String.join(", ", parts);
  }

  /** How many of the process's threads have each name, digits folded ({@code /proc/<pid>/task}). */
  String threadNames() {
    Map<String, Integer> names = new TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid()), "task"))) {
      tasks.forEach(
          t -> {
            try {
              String name = Files.readString(t.resolve("comm")).trim().replaceAll("[0-9]+", "#");
              names.merge(name, 1, Integer::sum);
            } catch (IOException e) {
              // the thread ended meanwhile
            }
          });
    } catch (IOException e) {
      return "";
    }
    return names.toString();
  }

  /** A full GC ({@code jcmd <pid> GC.run}). */
  void fullGc() {
    tool("jcmd", String.valueOf(pid()), "GC.run");
  }

  /** The collector and maximum heap the JVM chose ({@code jcmd <pid> VM.flags}). */
  String gcAndMaxHeap() {
    String flags = tool("jcmd", String.valueOf(pid()), "VM.flags");
    String gc =
        Arrays.stream(flags.split("\\s+"))
            .filter(f -> f.matches("-XX:\\+Use[A-Za-z]*GC"))
            .map(f -> f.substring("-XX:+Use".length()))
            .findFirst()
            .orElse("?");
    String max =
        Arrays.stream(flags.split("\\s+"))
            .filter(f -> f.startsWith("-XX:MaxHeapSize="))
            .map(f -> ScaleBenchmark.mib(Double.parseDouble(f.substring(16))))
            .findFirst()
            .orElse("?");
    return gc + ", max heap " + max;
  }

  private static String tool(String name, String... args) {
    Path inJdk = Path.of(System.getProperty("java.home"), "bin", name);
    List<String> cmd = new ArrayList<>();
    cmd.add(Files.isExecutable(inJdk) ? inJdk.toString() : name);
    cmd.addAll(List.of(args));
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().remove("JAVA_TOOL_OPTIONS");
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      p.waitFor(60, TimeUnit.SECONDS);
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** SIGTERM (the operator stops its informers; a JFR recording is written), then SIGKILL. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The {@code ENV KEY=value} lines of the operator image's Dockerfile (such as {@code
   * MALLOC_ARENA_MAX}): the process runs with the environment the image gives it.
   */
  static Map<String, String> imageEnv(Path dockerfile) {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    try {
      for (String line : java.nio.file.Files.readAllLines(dockerfile)) {
        String t = line.trim();
        if (t.startsWith("ENV ") && t.contains("=")) {
          String kv = t.substring(4).trim();
          env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot read " + dockerfile, e);
    }
    return env;
  }
}
