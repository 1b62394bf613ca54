package dev.registryoperator.gcrunner;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Runs the registry binary: {@code --version} and {@code garbage-collect}. */
public final class RegistryBinary {
  private static final int STDERR_TAIL_LINES = 20;

  /** How the registry starts the line that says it rejected its configuration. */
  public static final String CONFIG_ERROR = "configuration error";

  /**
   * How long {@code registry --version} may take: it answers at once unless the binary is broken.
   */
  public static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);

  private final String binary;
  private final Path config;
  private final Duration versionTimeout;

  public RegistryBinary(String binary, Path config) {
    this(binary, config, VERSION_TIMEOUT);
  }

  public RegistryBinary(String binary, Path config, Duration versionTimeout) {
    this.binary = binary;
    this.config = config;
    this.versionTimeout = versionTimeout;
  }

  public String binary() {
    return binary;
  }

  /**
   * The executable to run: a path as given, or a bare name looked up on {@code PATH}.
   *
   * @throws UsageException when there is no such executable
   */
  public static String resolve(String binary, Map<String, String> env) throws UsageException {
    if (binary.contains("/")) {
      Path path = Path.of(binary);
      if (!Files.isRegularFile(path)) {
        throw new UsageException("registry binary not found: " + binary);
      }
      if (!Files.isExecutable(path)) {
        throw new UsageException("registry binary is not executable: " + binary);
      }
      return binary;
    }
    for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, binary);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
    }
    throw new UsageException(
        "registry binary `"
            + binary
            + "` not found on PATH;"
            + " pass --registry-binary PATH or set REGISTRY_BINARY");
  }

  /**
   * {@code registry --version} did not answer in time: the binary is broken, nothing should run.
   */
  public static final class HungException extends IOException {
    HungException(String message) {
      super(message);
    }
  }

  /**
   * {@code registry --version}; {@link RegistryVersion#UNKNOWN} when it cannot tell. The output
   * goes to a file, so that a binary that never closes its output cannot block the read.
   *
   * @throws HungException when it does not answer within the version timeout (it is then stopped)
   */
  public RegistryVersion version() throws HungException {
    Path output = null;
    Process process = null;
    try {
      output = Files.createTempFile("registry-version", ".txt");
      process =
          new ProcessBuilder(binary, "--version")
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      process.getOutputStream().close();
      if (!process.waitFor(versionTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new HungException(
            "`"
                + binary
                + " --version` did not answer within "
                + versionTimeout.toSeconds()
                + " s: the registry binary seems hung; nothing was collected");
      }
      byte[] bytes;
      try (InputStream in = Files.newInputStream(output)) {
        bytes = in.readNBytes(4096);
      }
      return RegistryVersion.parse(new String(bytes, StandardCharsets.UTF_8));
    } catch (HungException e) {
      throw e;
    } catch (IOException e) {
      return RegistryVersion.UNKNOWN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return RegistryVersion.UNKNOWN;
    } finally {
      if (process != null && process.isAlive()) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException e) {
          // a temporary file: the pod's filesystem goes with it
        }
      }
    }
  }

  /**
   * Starts {@code garbage-collect}; each stdout line goes to {@code stdoutLines}, on a reader
   * thread (null: stdout is discarded). Never with 3.x's {@code -q}/{@code --quiet}: it silences
   * every stdout line, the summary and the eligible blobs and manifests the runner reads (and 2.8
   * has no such flag).
   */
  public Run startGarbageCollect(
      boolean dryRun, boolean deleteUntagged, Consumer<String> stdoutLines) throws IOException {
    List<String> command = new ArrayList<>(List.of(binary, "garbage-collect", config.toString()));
    if (dryRun) {
      command.add("--dry-run");
    }
    if (deleteUntagged) {
      command.add("--delete-untagged");
    }
    return new Run(command, stdoutLines);
  }

  /**
   * How a {@code garbage-collect} run ended.
   *
   * @param exitCode the process exit code
   * @param error the most telling stderr line: the first "configuration error" line with its
   *     detail, else the last line that is not an info-level log line, or ""
   * @param stderrTail the last lines of stderr
   * @param seconds wall-clock duration
   */
  public record Result(int exitCode, String error, List<String> stderrTail, double seconds) {}

  /** A running {@code garbage-collect} process. */
  public static final class Run {
    private final long started = System.nanoTime();
    private final Process process;
    private final Thread stdoutReader;
    private final Thread stderrReader;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private String lastError = "";

    /**
     * The registry's first "configuration error" line and the indented lines that detail it, or "".
     */
    private final StringBuilder configError = new StringBuilder();

    private boolean inConfigError;

    Run(List<String> command, Consumer<String> stdoutLines) throws IOException {
      ProcessBuilder builder = new ProcessBuilder(command);
      if (stdoutLines == null) {
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      }
      process = builder.start();
      process.getOutputStream().close();
      stdoutReader =
          stdoutLines == null ? null : reader("gc-stdout", process.getInputStream(), stdoutLines);
      stderrReader = reader("gc-stderr", process.getErrorStream(), this::stderrLine);
    }

    private static Thread reader(String name, InputStream stream, Consumer<String> lines) {
      Thread thread = new Thread(new PipeReader(stream, lines), name);
      thread.setDaemon(true);
      thread.start();
      return thread;
    }

    private synchronized void stderrLine(String line) {
      if (line.isBlank()) {
        return;
      }
      if (configError.isEmpty() && line.startsWith(CONFIG_ERROR)) {
        configError.append(line.strip());
        inConfigError = true;
      } else if (inConfigError
          && Character.isWhitespace(line.charAt(0))
          && configError.length() < 1000) {
        configError.append(' ').append(line.strip());
      } else {
        inConfigError = false;
      }
      if (stderrTail.size() == STDERR_TAIL_LINES) {
        stderrTail.removeFirst();
      }
      stderrTail.addLast(line);
      if (!isRoutineLogLine(line)) {
        lastError = line.strip();
      }
    }

    /** Info and debug lines of the registry's logger: not worth a report. */
    static boolean isRoutineLogLine(String line) {
      return line.contains("level=info")
          || line.contains("level=debug")
          || line.contains("\"level\":\"info\"")
          || line.contains("\"level\":\"debug\"");
    }

    public Result await() throws InterruptedException {
      int exitCode = process.waitFor();
      if (stdoutReader != null) {
        stdoutReader.join();
      }
      stderrReader.join();
      double seconds = (System.nanoTime() - started) / 1e9;
      synchronized (this) {
        // A configuration error is followed by the usage text: the first line is the telling one.
        String error =
            !configError.isEmpty()
                ? configError.toString()
                : lastError.isEmpty() && !stderrTail.isEmpty() && exitCode != 0
                    ? stderrTail.getLast().strip()
                    : lastError;
        return new Result(exitCode, error, List.copyOf(stderrTail), seconds);
      }
    }

    public void destroy() {
      process.destroy();
    }
  }
}
