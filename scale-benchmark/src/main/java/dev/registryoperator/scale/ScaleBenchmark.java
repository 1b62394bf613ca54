package dev.registryoperator.scale;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The scale benchmark (issue 11): for each N of {@code scale.n}, N Registries (1Gi claim, as {@code
 * examples/registry-minimal.yaml}) and N nightly GcSchedules ({@code
 * examples/gcschedule-nightly.yaml}) over N/100 namespaces, on the mock API server and the fake
 * cluster with simulated pods, against the shipped operator jar run as a process of its own with
 * the chart's JVM options. Prints, per N, the time and operator CPU to converge, the API requests
 * per Registry+GcSchedule, RSS and heap, writes while idle, and a burst of N on-demand GC runs;
 * then one table. See scale-benchmark/README.md.
 *
 * <pre>./mvnw -q -o -pl scale-benchmark -am package -DskipTests -Dscale.run</pre>
 */
public final class ScaleBenchmark {
  /** Everything that can be set, from system properties ({@code -Dscale.*}). */
  record Settings(
      Path repoRoot,
      Path workDir,
      List<Integer> sizes,
      int idleSeconds,
      List<String> operatorOptions,
      boolean burst,
      boolean jfr,
      int timeoutMinutes,
      int clusterThreads,
      Path operatorJar,
      ChartJvm chart) {

    static Settings fromSystemProperties() {
      Path root = Path.of(System.getProperty("scale.repoRoot", ".")).toAbsolutePath().normalize();
      String opts = System.getProperty("scale.operatorOpts", "").trim();
      return new Settings(
          root,
          Path.of(
                  System.getProperty(
                      "scale.workDir", root.resolve("scale-benchmark/target").toString()))
              .toAbsolutePath()
              .normalize(),
          Arrays.stream(System.getProperty("scale.n", "100,300,1000").split(","))
              .map(String::trim)
              .filter(s -> !s.isEmpty())
              .map(Integer::parseInt)
              .toList(),
          Integer.getInteger("scale.idleSeconds", 60),
          opts.isEmpty() ? List.of() : List.of(opts.split("\\s+")),
          !"false".equals(System.getProperty("scale.burst")),
          Boolean.getBoolean("scale.jfr"),
          Integer.getInteger("scale.timeoutMinutes", 20),
          Integer.getInteger("scale.clusterThreads", 0),
          Path.of(
                  System.getProperty(
                      "scale.operatorJar",
                      root.resolve("operator/target/registry-operator.jar").toString()))
              .toAbsolutePath()
              .normalize(),
          ChartJvm.read(root));
    }
  }

  private ScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    exitWithParent();
    PrintStream out = System.out;
    Settings settings = Settings.fromSystemProperties();
    Files.createDirectories(settings.workDir());
    out.printf(
        "Scale benchmark: N = %s; idle %d s; burst %s; operator jar %s; chart javaOpts \"%s\","
            + " memory limit %s; extra operator JVM options: %s%n",
        settings.sizes(),
        settings.idleSeconds(),
        settings.burst() ? "on" : "off",
        settings.repoRoot().relativize(settings.operatorJar()),
        settings.chart().javaOpts(),
        settings.chart().memoryLimit(),
        settings.operatorOptions().isEmpty()
            ? "none"
            : String.join(" ", settings.operatorOptions()));
    out.printf(
        "Machine: %d cores, %s memory; load average %s; %s%n",
        Runtime.getRuntime().availableProcessors(), mib(memTotal()), loadAverage(), Instant.now());
    List<ScaleRun.Result> results = new ArrayList<>();
    for (int n : settings.sizes()) {
      results.add(new ScaleRun(settings, n, out).run());
      out.println("load average now: " + loadAverage());
    }
    out.println();
    out.println(
        "| N (Registries + GcSchedules) | extra JVM options | converged | operator CPU (per"
            + " R+G) | operator writes per R+G (all requests) | mock + fake cluster CPU share"
            + " (busiest thread: mock, fake cluster) |"
            + " RSS converged / after full GC | heap used after full GC | idle writes"
            + " | RSS after idle | burst: N runs recorded | burst CPU per run |");
    out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (ScaleRun.Result r : results) {
      out.printf(
          "| %d + %d | %s | %s | %.1f s (%.1f ms) | %.1f (%.1f) | %.0f%% (%.0f%%, %.0f%%) | %s / %s"
              + " | %s | %d in %d s"
              + " | %s | %s | %s |%n",
          r.n(),
          r.n(),
          r.flags().isEmpty() ? "none" : "`" + r.flags() + "`",
          Double.isNaN(r.convergeSeconds())
              ? "timed out"
              : String.format("%.1f s", r.convergeSeconds()),
          r.operatorCpu(),
          1000 * r.operatorCpu() / r.n(),
          (double) r.operatorWrites() / r.n(),
          (double) r.operatorRequests() / r.n(),
          100 * r.benchmarkCpuShare(),
          100 * r.mockBusy(),
          100 * r.fakeClusterLogicBusy(),
          mib(r.rssConverged()),
          mib(r.rssAfterGc()),
          mib(r.heapAfterGc().usedKib() * 1024),
          r.idleWrites(),
          r.idleSeconds(),
          mib(r.rssAfterIdle()),
          Double.isNaN(r.burstSeconds())
              ? (r.burstRecorded() > 0 ? r.burstRecorded() + " of " + r.n() + " (timed out)" : "-")
              : String.format("%.1f s", r.burstSeconds()),
          Double.isNaN(r.burstSeconds()) && r.burstRecorded() == 0
              ? "-"
              : String.format("%.1f ms", 1000 * r.burstCpu() / r.n()));
    }
    System.exit(0);
  }

  static String mib(double bytes) {
    return String.format("%.0f MiB", bytes / (1024 * 1024));
  }

  /** {@code count / per}, with two decimals ({@code 0.01} and up) or as a fraction below. */
  static String perObject(long count, double per) {
    double v = count / per;
    return v >= 0.01 || v == 0 ? String.format("%.2f", v) : count + "/" + (long) per;
  }

  private static long memTotal() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (Exception e) {
      // not Linux
    }
    return 0;
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (Exception e) {
      return "?";
    }
  }

  /**
   * Exits when the process that started this JVM (Maven) is gone, so a Ctrl-C or SIGTERM to Maven
   * does not leave the operator process running (the shutdown hook below stops it).
   */
  private static void exitWithParent() {
    ProcessHandle.current()
        .parent()
        .ifPresent(
            parent ->
                parent
                    .onExit()
                    .thenRun(
                        () -> {
                          System.err.println("scale benchmark: Maven is gone; stopping");
                          System.exit(143);
                        }));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () ->
                    ProcessHandle.current()
                        .children()
                        .forEach(
                            p -> {
                              p.destroy();
                              p.onExit()
                                  .orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
                                  .join();
                            }),
                "scale-shutdown"));
  }
}
