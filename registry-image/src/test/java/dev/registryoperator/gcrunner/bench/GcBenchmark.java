package dev.registryoperator.gcrunner.bench;

import dev.registryoperator.gcrunner.s3.BucketBlobs;
import dev.registryoperator.gcrunner.s3.RegistryS3Config;
import dev.registryoperator.s3server.S3Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
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
 * image's JDK_JAVA_OPTIONS by default; "" for none), {@code --s3} (the storage in buckets of an
 * in-process S3 server, s3-server's S3Proxy, instead of directories), {@code --baseline-jar PATH}
 * (another runner jar, e.g. an earlier build, timed in the same rounds). Every round checks that
 * all left the same blobs and that each runner's reclaimedBytes is the blob data that left the
 * disk.
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
    S3Server s3 = null;
    String binary = System.getenv().getOrDefault("REGISTRY_BINARY", "/usr/bin/docker-registry");
    Path jar = Path.of("target/gc-runner.jar");
    Path baselineJar = null;
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
        case "--baseline-jar" -> baselineJar = Path.of(args[++i]);
        case "--work" -> work = Path.of(args[++i]);
        case "--jvm-options" -> jvmOptions = args[++i];
        case "--s3" -> s3 = S3Server.start();
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " not found: build it first (./mvnw -pl registry-image package)");
    }
    if (baselineJar != null && !Files.isRegularFile(baselineJar)) {
      throw new IllegalStateException(baselineJar + " not found");
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
    List<String> names = new ArrayList<>(List.of("plain", "runner"));
    if (baselineJar != null) {
      names.add("baseline");
      System.out.println("baseline: the same with " + baselineJar);
    }
    StringBuilder header = new StringBuilder("round");
    for (String name : names) {
      header.append(String.format(Locale.ROOT, "  %-26s", name + " wall (cpu)"));
    }
    header.append("  ratios to plain: wall / cpu");
    System.out.println(header);

    long[] templateSizes =
        blobSizes(template).values().stream().mapToLong(Long::longValue).toArray();
    long templateBytes = java.util.Arrays.stream(templateSizes).sum();
    double[][] wall = new double[names.size()][rounds];
    double[][] cpu = new double[names.size()][rounds];
    for (int round = 0; round < rounds; round++) {
      List<List<String>> commands = new ArrayList<>();
      for (String name : names) {
        Path copy = work.resolve(name);
        delete(copy);
        if (s3 != null) {
          Files.createDirectories(copy);
          upload(template, s3, bucket(name, round));
          Files.writeString(
              copy.resolve("config.yml"), RegistryS3Config.yaml(s3, bucket(name, round), 0));
        } else {
          run(List.of("cp", "-a", template.toString(), copy.toString()), null);
          Files.writeString(copy.resolve("config.yml"), config(copy));
        }
        List<String> command = new ArrayList<>();
        if (name.equals("plain")) {
          command.addAll(List.of(binary, "garbage-collect", copy.resolve("config.yml").toString()));
        } else {
          command.add(javaBinary());
          command.addAll(
              Arrays.stream(jvmOptions.split("\\s+")).filter(o -> !o.isEmpty()).toList());
          command.addAll(
              List.of(
                  "-jar",
                  (name.equals("runner") ? jar : baselineJar).toString(),
                  "--config",
                  copy.resolve("config.yml").toString(),
                  "--registry-binary",
                  binary,
                  "--report",
                  work.resolve(name + "-report.json").toString()));
        }
        if (deleteUntagged) {
          command.add("--delete-untagged");
        }
        commands.add(command);
      }
      // Each round starts with another of them, so that none always runs first.
      for (int k = 0; k < names.size(); k++) {
        int i = (round + k) % names.size();
        Timing timing = timed(commands.get(i), work.resolve(names.get(i) + ".log"));
        wall[i][round] = timing.wall();
        cpu[i][round] = timing.cpu();
      }
      final int r = round;
      final S3Server server = s3;
      final Path workDir = work;
      java.util.function.Function<String, Map<String, Long>> leftOf =
          name ->
              server != null
                  ? BucketBlobs.snapshot(server, bucket(name, r)).blobSizes()
                  : uncheckedBlobSizes(workDir.resolve(name));
      Map<String, Long> plainLeft = leftOf.apply("plain");
      long bytesGone = templateBytes - plainLeft.values().stream().mapToLong(Long::longValue).sum();
      for (int i = 1; i < names.size(); i++) {
        Map<String, Long> left = leftOf.apply(names.get(i));
        if (!left.equals(plainLeft)) {
          throw new IllegalStateException(
              "the collections differ: plain left "
                  + plainLeft.size()
                  + " blobs, "
                  + names.get(i)
                  + " "
                  + left.size());
        }
        long reclaimed =
            reportNumber(work.resolve(names.get(i) + "-report.json"), "reclaimedBytes");
        if (reclaimed != bytesGone) {
          throw new IllegalStateException(
              names.get(i)
                  + " reported reclaimedBytes "
                  + reclaimed
                  + ", but "
                  + bytesGone
                  + " bytes of blob data left the disk");
        }
      }
      if (s3 != null) {
        // an S3 server that kept every round's buckets in memory would slow down round by round
        names.forEach(name -> server.deleteBucket(bucket(name, r)));
      }
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%5d", round + 1));
      for (int i = 0; i < names.size(); i++) {
        line.append(
            String.format(
                Locale.ROOT, "  %8.3f s (cpu %6.3f s)     ", wall[i][round], cpu[i][round]));
      }
      for (int i = 1; i < names.size(); i++) {
        line.append(
            String.format(
                Locale.ROOT,
                "  %s %.2fx / %.2fx",
                names.get(i),
                wall[i][round] / wall[0][round],
                cpu[i][round] / cpu[0][round]));
      }
      line.append(
          String.format(
              Locale.ROOT, "   (%d blobs left, %d bytes gone)", plainLeft.size(), bytesGone));
      System.out.println(line);
    }
    System.out.println(
        "last report: " + Files.readString(work.resolve("runner-report.json")).strip());
    for (int i = 1; i < names.size(); i++) {
      double[] wallRatios = new double[rounds];
      double[] cpuRatios = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        wallRatios[round] = wall[i][round] / wall[0][round];
        cpuRatios[round] = cpu[i][round] / cpu[0][round];
      }
      System.out.printf(
          Locale.ROOT,
          "median: plain %.3f s, %s %.3f s, wall ratio %.2fx, cpu ratio %.2fx%n",
          median(wall[0]),
          names.get(i),
          median(wall[i]),
          median(wallRatios),
          median(cpuRatios));
    }
    for (String name : names) {
      delete(work.resolve(name));
    }
    if (s3 != null) {
      s3.close();
    }
  }

  private static String bucket(String name, int round) {
    return name + "-" + round;
  }

  /** Lays out the generated storage in a new bucket, object by object. */
  private static void upload(Path template, S3Server s3, String bucket) throws IOException {
    s3.createBucket(bucket);
    try (Stream<Path> files = Files.walk(template)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(file)) {
          s3.put(bucket, template.relativize(file).toString(), file);
        }
      }
    }
  }

  private static Map<String, Long> uncheckedBlobSizes(Path root) {
    try {
      return blobSizes(root);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A number from a runner's JSON report (a flat key, as the report writes it). */
  private static long reportNumber(Path report, String key) throws IOException {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"" + key + "\":(-?\\d+)")
            .matcher(Files.readString(report));
    if (!m.find()) {
      throw new IllegalStateException(report + " has no " + key);
    }
    return Long.parseLong(m.group(1));
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
    // the 2.8.2 s3 driver dies on this machine's AWS_CA_BUNDLE; REGISTRY_* would override configs
    builder
        .environment()
        .keySet()
        .removeIf(name -> name.startsWith("AWS_") || name.startsWith("REGISTRY_"));
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

  /** Blob digest (hex) to the size of its data file. */
  private static Map<String, Long> blobSizes(Path root) throws IOException {
    Path blobs = root.resolve("docker/registry/v2/blobs");
    Map<String, Long> sizes = new TreeMap<>();
    try (Stream<Path> files = Files.walk(blobs)) {
      for (Path data : (Iterable<Path>) files::iterator) {
        if (data.getFileName().toString().equals("data")) {
          sizes.put(data.getParent().getFileName().toString(), Files.size(data));
        }
      }
    }
    return sizes;
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
