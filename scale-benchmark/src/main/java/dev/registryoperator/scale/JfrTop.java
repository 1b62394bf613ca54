package dev.registryoperator.scale;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * The hottest frames of a JFR recording's execution samples ({@code jdk.ExecutionSample}): the
 * frame on top (where the CPU was), and the first frame in the project's code or in a chosen
 * library (who asked for it). {@code jfr print --events jdk.ExecutionSample <file>} shows them all.
 */
final class JfrTop {
  private JfrTop() {}

  static void print(Path file, PrintStream out, int n, Function<String, String> threadGroup) {
    if (!Files.isRegularFile(file)) {
      out.println("    (no recording at " + file + ")");
      return;
    }
    Map<String, Integer> top = new HashMap<>();
    Map<String, Integer> ours = new HashMap<>();
    Map<String, Integer> threads = new HashMap<>();
    int samples = 0;
    try (RecordingFile recording = new RecordingFile(file)) {
      while (recording.hasMoreEvents()) {
        RecordedEvent e = recording.readEvent();
        if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
          continue;
        }
        RecordedStackTrace stack = e.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
          continue;
        }
        samples++;
        List<RecordedFrame> frames = stack.getFrames();
        top.merge(name(frames.get(0)), 1, Integer::sum);
        frames.stream()
            .filter(f -> f.isJavaFrame() && f.getMethod() != null)
            .filter(f -> f.getMethod().getType().getName().startsWith("dev.registryoperator"))
            .findFirst()
            .ifPresent(f -> ours.merge(name(f), 1, Integer::sum));
        String thread =
            e.getThread("sampledThread") == null
                ? "?"
                : String.valueOf(e.getThread("sampledThread").getJavaName());
        threads.merge(threadGroup.apply(thread.replaceAll("[0-9]+", "#")), 1, Integer::sum);
      }
    } catch (IOException e) {
      out.println("    (cannot read " + file + ": " + e + ")");
      return;
    }
    out.printf("    %d execution samples in %s%n", samples, file.getFileName());
    out.println("    by thread: " + shares(threads, samples, n));
    out.println("    top frames (self):");
    lines(top, samples, n).forEach(l -> out.println("      " + l));
    out.println("    first frame in dev.registryoperator:");
    lines(ours, samples, n).forEach(l -> out.println("      " + l));
  }

  private static String name(RecordedFrame f) {
    if (f.getMethod() == null) {
      return "?";
    }
    String type = f.getMethod().getType().getName();
    return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
  }

  private static String shares(Map<String, Integer> counts, int total, int n) {
    return String.join(", ", lines(counts, total, n));
  }

  private static List<String> lines(Map<String, Integer> counts, int total, int n) {
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(n)
        .map(
            e -> String.format("%5.1f%% %s", 100.0 * e.getValue() / Math.max(1, total), e.getKey()))
        .toList();
  }
}
