package dev.registryoperator.scale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CPU time from Linux's /proc: a process's (utime + stime of {@code /proc/<pid>/stat}), each of its
 * threads', and the whole machine's ({@code /proc/stat}).
 */
final class ProcCpu {
  /** Clock ticks per second ({@code getconf CLK_TCK}); 100 on every Linux we run on. */
  static final double TICKS_PER_SECOND = 100.0;

  private ProcCpu() {}

  /** CPU seconds (user + system) the process has used so far; -1 once it is gone. */
  static double processSeconds(long pid) {
    long[] t = userSystemTicks(Path.of("/proc/" + pid + "/stat"));
    return t == null ? -1 : (t[0] + t[1]) / TICKS_PER_SECOND;
  }

  /** A line of {@code /proc/<pid>/status}, such as {@code VmRSS} in KiB or {@code Threads}. */
  static long statusValue(long pid, String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(key + ":")) {
          return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return -1;
  }

  /** The machine's CPU seconds so far: {busy, total}, summed over all cores. */
  static double[] machineSeconds() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new double[] {(total - idle) / TICKS_PER_SECOND, total / TICKS_PER_SECOND};
    } catch (IOException | RuntimeException e) {
      return new double[] {0, 0};
    }
  }

  /** {name, utime, stime} of a {@code stat} file (the name may hold spaces and parentheses). */
  private static long[] userSystemTicks(Path stat) {
    String s;
    try {
      s = Files.readString(stat);
    } catch (IOException e) {
      return null;
    }
    String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split("\\s+");
    // After the name: state is field 3 of the file, utime 14, stime 15.
    return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
  }

  private static String threadName(String stat) {
    return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  }

  /**
   * The CPU time of each thread of a process, sampled every second; a thread that ended keeps the
   * time of its last sample, so short-lived workers still count (less their last second).
   */
  static final class Threads implements AutoCloseable {
    private record Sample(String name, double seconds) {}

    private final long pid;
    private final Map<Long, Sample> threads = new ConcurrentHashMap<>();
    private final Thread sampler;
    private volatile boolean closed;

    Threads(long pid) {
      this.pid = pid;
      sample();
      sampler =
          new Thread(
              () -> {
                while (!closed) {
                  try {
                    Thread.sleep(1000);
                  } catch (InterruptedException e) {
                    return;
                  }
                  sample();
                }
              },
              "scale-cpu-sampler");
      sampler.setDaemon(true);
      sampler.start();
    }

    synchronized void sample() {
      Path tasks = Path.of("/proc/" + pid + "/task");
      try (Stream<Path> dirs = Files.list(tasks)) {
        for (Path dir : dirs.toList()) {
          try {
            String stat = Files.readString(dir.resolve("stat"));
            long[] t = userSystemTicks(dir.resolve("stat"));
            if (t != null) {
              threads.put(
                  Long.parseLong(dir.getFileName().toString()),
                  new Sample(threadName(stat), (t[0] + t[1]) / TICKS_PER_SECOND));
            }
          } catch (IOException | RuntimeException e) {
            // the thread ended meanwhile
          }
        }
      } catch (IOException e) {
        // the process ended
      }
    }

    /** CPU seconds so far of each thread, as {@code name/tid}. */
    Map<String, Double> byThread() {
      sample();
      Map<String, Double> out = new HashMap<>();
      threads.forEach((tid, s) -> out.put(s.name() + "/" + tid, s.seconds()));
      return out;
    }

    @Override
    public void close() {
      closed = true;
      sampler.interrupt();
    }
  }

  /**
   * Seconds by thread name ({@link Threads#byThread}), digits replaced by {@code #}, so that a
   * pool's threads add up.
   */
  static Map<String, Double> byName(Map<String, Double> byThread) {
    Map<String, Double> out = new HashMap<>();
    byThread.forEach(
        (k, v) ->
            out.merge(
                k.substring(0, k.lastIndexOf('/')).replaceAll("[0-9]+", "#"), v, Double::sum));
    return out;
  }

  /** The busiest single thread whose name matches {@code regex}: its seconds, or 0. */
  static double busiest(Map<String, Double> byThread, String regex) {
    return byThread.entrySet().stream()
        .filter(e -> e.getKey().substring(0, e.getKey().lastIndexOf('/')).matches(regex))
        .mapToDouble(Map.Entry::getValue)
        .max()
        .orElse(0);
  }

  /** {@code after - before}, per key. */
  static Map<String, Double> minus(Map<String, Double> after, Map<String, Double> before) {
    Map<String, Double> out = new HashMap<>();
    after.forEach((k, v) -> out.put(k, v - before.getOrDefault(k, 0.0)));
    return out;
  }

  /** Sums values by {@code group.apply(key)}, largest first. */
  static Map<String, Double> grouped(Map<String, Double> byName, Function<String, String> group) {
    return byName.entrySet().stream()
        .collect(
            Collectors.groupingBy(
                e -> group.apply(e.getKey()), Collectors.summingDouble(Map.Entry::getValue)))
        .entrySet()
        .stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .collect(
            Collectors.toMap(
                Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
  }

  /** The {@code n} largest entries, as {@code "name 1.23 s"}. */
  static String top(Map<String, Double> seconds, int n) {
    List<String> parts =
        seconds.entrySet().stream()
            .filter(e -> e.getValue() >= 0.005)
            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
            .limit(n)
            .map(e -> String.format("%s %.2f s", e.getKey(), e.getValue()))
            .toList();
    return parts.isEmpty() ? "-" : String.join(", ", parts);
  }
}
