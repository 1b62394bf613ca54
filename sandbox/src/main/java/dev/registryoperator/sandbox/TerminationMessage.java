package dev.registryoperator.sandbox;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A container's termination message as the kubelet builds it when the container ended: its
 * termination-message file (at most 4096 bytes), else, under {@code terminationMessagePolicy:
 * FallbackToLogsOnError} and a failed exit, the tail of its log (at most the last 80 lines of its
 * last 2048 bytes).
 */
final class TerminationMessage {
  static final int MAX_MESSAGE = 4096;
  static final int MAX_LOG_BYTES = 2048;
  static final int MAX_LOG_LINES = 80;

  private TerminationMessage() {}

  /**
   * @param policy the container's {@code terminationMessagePolicy} (null: {@code File})
   * @param exitCode null if unknown
   * @return the message, or null for none
   */
  static String read(Path messageFile, Path log, String policy, Integer exitCode) {
    try {
      String file = readAtMost(messageFile, MAX_MESSAGE, false);
      if (!file.isEmpty()) {
        return file;
      }
      if ("FallbackToLogsOnError".equals(policy) && exitCode != null && exitCode != 0) {
        String[] lines = readAtMost(log, MAX_LOG_BYTES, true).split("\n");
        return String.join(
            "\n",
            Arrays.copyOfRange(lines, Math.max(0, lines.length - MAX_LOG_LINES), lines.length));
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  /** The first ({@code tail}: last) {@code max} bytes of a file; empty if it does not exist. */
  private static String readAtMost(Path file, int max, boolean tail) throws IOException {
    if (!Files.exists(file)) {
      return "";
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long length = f.length();
      int n = (int) Math.min(length, max);
      f.seek(tail ? length - n : 0);
      byte[] bytes = new byte[n];
      f.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }
}
