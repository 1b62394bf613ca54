package dev.registryoperator.gcrunner.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Times plain {@code registry garbage-collect} against {@code java -jar gc-runner.jar} doing the
 * same collection on an identical copy of a generated storage, and prints the ratio. See the module
 * README for the command.
 *
 * <p>Options: {@code --blobs N} (10000), {@code --rounds N} (7), {@code --layers N} (3 per image),
 * {@code --repositories N} (20), {@code --delete-untagged}, {@code --binary PATH} ($REGISTRY_BINARY
 * or /usr/bin/docker-registry), {@code --jar PATH} (target/gc-runner.jar), {@code --work DIR}
 * (target/gc-bench: on disk, like a PVC; /dev/shm for tmpfs), {@code --jvm-options "..."} (the
 * image's JDK_JAVA_OPTIONS by default; "" for none).
 */
public final class GcBenchmark {
  /** JDK_JAVA_OPTIONS of the image (see the Dockerfile). */
  static final String IMAGE_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  private GcBenchmark() {}

  public static void main(String[] args) throws Exception {
    int blobs = 10_000;
    int rounds = 7;
    String jvmOptions = IMAGE_JVM_OPTIONS;
    int layers = 3;
    int repositories = 20;
    boolean deleteUntagged = false;
    String binary = System.getenv().getOrDefault("REGISTRY_BINARY", "/usr/bin/docker-registry");
    Path jar = Path.of("target/gc-runner.jar");
    Path work = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--blobs" -> blobs = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--layers" -> layers = Integer.parseInt(args[++i]);
        case "--repositories" -> repositories = Integer.parseInt(args[++i]);
        case "--delete-untagged" -> deleteUntagged = true;
        case "--binary" -> binary = args[++i];
        case "--jar" -> jar = Path.of(args[++i]);
        case "--work" -> work = Path.of(args[++i]);
        case "--jvm-options" -> jvmOptions = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " not found: build it first (./mvnw -pl registry-image package)");
    }
    work =
        Files.createDirectories(work == null ? Path.of("target/gc-bench") : work).toAbsolutePath();

    int perImage = layers + 2;
    int images = (blobs + perImage - 1) / perImage;
    images += images % 2;
    Path template = work.resolve("template");
    delete(template);
    long started = System.nanoTime();
    long written = new StorageGenerator(template, 42).generate(repositories, images, layers);
    System.out.printf(
        Locale.ROOT,
        "storage: %d blobs (%d unreferenced) in %d images over %d repositories,"
            + " generated in %.1f s under %s%n",
        written,
        written / 2,
        images,
        repositories,
        (System.nanoTime() - started) / 1e9,
        template);
    String extra = deleteUntagged ? " --delete-untagged" : "";
    System.out.println(
        "plain: garbage-collect"
            + extra
            + "; runner: java "
            + jvmOptions
            + (jvmOptions.isBlank() ? "" : " ")
            + "-jar gc-runner.jar"
            + extra
            + "; work dir "
            + work);
    System.out.println(
        "round  plain wall (cpu)            runner wall (cpu)           wall    cpu ratio");

    double[] ratios = new double[rounds];
    double[] plainTimes = new double[rounds];
    double[] runnerTimes = new double[rounds];
    double[] cpuRatios = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      Path plain = work.resolve("plain");
      Path runner = work.resolve("runner");
      for (Path copy : List.of(plain, runner)) {
        delete(copy);
        run(List.of("cp", "-a", template.toString(), copy.toString()), null);
        Files.writeString(copy.resolve("config.yml"), config(copy));
      }
      List<String> plainCommand =
          new ArrayList<>(
              List.of(binary, "garbage-collect", plain.resolve("config.yml").toString()));
      List<String> runnerCommand = new ArrayList<>(List.of(javaBinary()));
      runnerCommand.addAll(
          Arrays.stream(jvmOptions.split("\\s+")).filter(o -> !o.isEmpty()).toList());
      runnerCommand.addAll(
          List.of(
              "-jar",
              jar.toString(),
              "--config",
              runner.resolve("config.yml").toString(),
              "--registry-binary",
              binary,
              "--report",
              work.resolve("report.json").toString()));
      if (deleteUntagged) {
        plainCommand.add("--delete-untagged");
        runnerCommand.add("--delete-untagged");
      }
      Timing plainTime;
      Timing runnerTime;
      if (round % 2 == 0) {
        plainTime = timed(plainCommand, work.resolve("plain.log"));
        runnerTime = timed(runnerCommand, work.resolve("runner.log"));
      } else {
        runnerTime = timed(runnerCommand, work.resolve("runner.log"));
        plainTime = timed(plainCommand, work.resolve("plain.log"));
      }
      Set<String> plainLeft = blobFiles(plain);
      Set<String> runnerLeft = blobFiles(runner);
      if (!plainLeft.equals(runnerLeft)) {
        throw new IllegalStateException(
            "the two collections differ: "
                + plainLeft.size()
                + " vs "
                + runnerLeft.size()
                + " blobs left");
      }
      plainTimes[round] = plainTime.wall();
      runnerTimes[round] = runnerTime.wall();
      ratios[round] = runnerTime.wall() / plainTime.wall();
      cpuRatios[round] = runnerTime.cpu() / plainTime.cpu();
      System.out.printf(
          Locale.ROOT,
          "%5d  %8.3f s (cpu %6.3f s)  %8.3f s (cpu %6.3f s)  %6.2fx  %6.2fx   (%d blobs left)%n",
          round + 1,
          plainTime.wall(),
          plainTime.cpu(),
          runnerTime.wall(),
          runnerTime.cpu(),
          ratios[round],
          cpuRatios[round],
          plainLeft.size());
    }
    String report = Files.readString(work.resolve("report.json"));
    System.out.println("last report: " + report);
    System.out.printf(
        Locale.ROOT,
        "median: plain %.3f s, runner %.3f s, wall ratio %.2fx, cpu ratio %.2fx"
            + " (target <= 1.30x)%n",
        median(plainTimes),
        median(runnerTimes),
        median(ratios),
        median(cpuRatios));
    delete(work.resolve("plain"));
    delete(work.resolve("runner"));
  }

  private static String config(Path root) {
    return "version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: "
        + root
        + "\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:0\n";
  }

  /** Wall-clock and CPU (user + system, children included) seconds of one command. */
  private record Timing(double wall, double cpu) {}

  /**
   * Runs a command after a {@code sync} (so that earlier writes do not land on its account), under
   * {@code /usr/bin/time} for its CPU time.
   */
  private static Timing timed(List<String> command, Path log)
      throws IOException, InterruptedException {
    run(List.of("sync"), null);
    Path times = Files.createTempFile("gc-bench-time", ".txt");
    List<String> wrapped =
        new ArrayList<>(List.of("/usr/bin/time", "-f", "%U %S", "-o", times.toString()));
    wrapped.addAll(command);
    double wall = run(wrapped, log);
    String[] cpu = Files.readString(times).strip().split("\\s+");
    Files.delete(times);
    return new Timing(
        wall, Double.parseDouble(cpu[cpu.length - 2]) + Double.parseDouble(cpu[cpu.length - 1]));
  }

  /**
   * Runs a command to completion; returns its wall-clock seconds. Output goes to {@code log} (or is
   * dropped).
   */
  private static double run(List<String> command, Path log)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(
        log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(log.toFile()));
    long started = System.nanoTime();
    Process process = builder.start();
    int exit = process.waitFor();
    double seconds = (System.nanoTime() - started) / 1e9;
    if (exit != 0) {
      String output = log == null ? "" : Files.readString(log, StandardCharsets.UTF_8);
      throw new IllegalStateException(
          String.join(" ", command)
              + " exited "
              + exit
              + "\n"
              + output.substring(Math.max(0, output.length() - 2000)));
    }
    return seconds;
  }

  private static Set<String> blobFiles(Path root) throws IOException {
    Path blobs = root.resolve("docker/registry/v2/blobs");
    try (Stream<Path> files = Files.walk(blobs)) {
      return files
          .filter(p -> p.getFileName().toString().equals("data"))
          .map(p -> p.getParent().getFileName().toString())
          .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static void delete(Path dir) throws IOException, InterruptedException {
    if (Files.exists(dir)) {
      run(List.of("rm", "-rf", dir.toString()), null);
    }
  }
}
