package dev.registryoperator.gcrunner;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private final String binary;
    private final Path config;

    public RegistryBinary(String binary, Path config) {
        this.binary = binary;
        this.config = config;
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
        throw new UsageException("registry binary `" + binary + "` not found on PATH;"
                + " pass --registry-binary PATH or set REGISTRY_BINARY");
    }

    /** {@code registry --version}; {@link RegistryVersion#UNKNOWN} when it cannot tell. */
    public RegistryVersion version() {
        try {
            Process process = new ProcessBuilder(binary, "--version").redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readNBytes(4096);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return RegistryVersion.UNKNOWN;
            }
            return RegistryVersion.parse(new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return RegistryVersion.UNKNOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RegistryVersion.UNKNOWN;
        }
    }

    /**
     * Starts {@code garbage-collect}; each stdout line goes to {@code stdoutLines}, on a reader thread (null:
     * stdout is discarded).
     */
    public Run startGarbageCollect(boolean dryRun, boolean deleteUntagged, Consumer<String> stdoutLines)
            throws IOException {
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
     * @param exitCode   the process exit code
     * @param error      the most telling stderr line (the last that is not an info-level log line), or ""
     * @param stderrTail the last lines of stderr
     * @param seconds    wall-clock duration
     */
    public record Result(int exitCode, String error, List<String> stderrTail, double seconds) {
    }

    /** A running {@code garbage-collect} process. */
    public static final class Run {
        private final long started = System.nanoTime();
        private final Process process;
        private final Thread stdoutReader;
        private final Thread stderrReader;
        private final Deque<String> stderrTail = new ArrayDeque<>();
        private String lastError = "";

        Run(List<String> command, Consumer<String> stdoutLines) throws IOException {
            ProcessBuilder builder = new ProcessBuilder(command);
            if (stdoutLines == null) {
                builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            }
            process = builder.start();
            process.getOutputStream().close();
            stdoutReader = stdoutLines == null ? null : reader("gc-stdout", process.getInputStream(), stdoutLines);
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
            return line.contains("level=info") || line.contains("level=debug")
                    || line.contains("\"level\":\"info\"") || line.contains("\"level\":\"debug\"");
        }

        public Result await() throws InterruptedException {
            int exitCode = process.waitFor();
            if (stdoutReader != null) {
                stdoutReader.join();
            }
            stderrReader.join();
            double seconds = (System.nanoTime() - started) / 1e9;
            synchronized (this) {
                String error = lastError.isEmpty() && !stderrTail.isEmpty() && exitCode != 0
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
