package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A SIGTERM (not Ctrl-C to the whole process group: {@code kill <pid>}, a process manager, a CI
 * timeout) to the process that was started stops the sandbox and every registry and runner process
 * it started: sent to the sandbox's own JVM, or to the process that launched it (the README starts
 * it through Maven, whose exec plugin runs the sandbox in a child JVM and, on SIGTERM, exits
 * without stopping that child).
 */
class SandboxSignalTest {

  @Test
  void aSigtermToTheSandboxJvmStopsEveryProcessItStarted() throws Exception {
    run("sigterm", false);
  }

  @Test
  void aSigtermToTheProcessThatLaunchedTheSandboxStopsItToo() throws Exception {
    run("sigterm-launcher", true);
  }

  /**
   * {@code viaLauncher}: a shell starts the sandbox's JVM and waits for it, as Maven's exec plugin
   * does.
   */
  private static void run(String name, boolean viaLauncher) throws Exception {
    Path workDir = GcScenario.workDir(name);
    Path output = workDir.resolve("sandbox.out");
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "-Dsandbox.repoRoot=" + Sandbox.Builder.findRepoRoot(),
            "-Dsandbox.gcRunnerJar=" + System.getProperty("sandbox.gcRunnerJar"),
            "-Dsandbox.workDir=" + workDir,
            Sandbox.class.getName(),
            "keep-running");
    // The sandbox in a process group of its own (setsid), as a service manager would start it: the
    // signal
    // reaches its JVM only.
    List<String> argv = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      argv.add("/usr/bin/setsid");
    }
    if (viaLauncher) {
      argv.addAll(List.of("/bin/sh", "-c", "\"$@\"; echo launcher done", "launcher"));
    }
    argv.addAll(command);
    Process sandbox =
        new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    List<ProcessHandle> started = new ArrayList<>();
    try {
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (!Files.readString(output).contains("The sandbox stays up until Ctrl-C")) {
        assertThat(sandbox.isAlive()).as(Files.readString(output)).isTrue();
        assertThat(System.nanoTime())
            .as("the sandbox did not come up: " + Files.readString(output))
            .isLessThan(deadline);
        Thread.sleep(200);
      }
      started.addAll(sandbox.descendants().filter(ProcessHandle::isAlive).toList());
      assertThat(started.stream().filter(p -> p.info().command().orElse("").endsWith("/java")))
          .as("the sandbox's JVM, a child of the launcher")
          .hasSize(viaLauncher ? 1 : 0);
      List<String> registries =
          started.stream()
              .map(SandboxSignalTest::commandLine)
              .filter(c -> c.contains("serve"))
              .toList();
      assertThat(registries).as("registry processes of the sandbox: " + started).isNotEmpty();

      sandbox.toHandle().destroy(); // SIGTERM, to the started process only

      assertThat(sandbox.waitFor(60, TimeUnit.SECONDS))
          .as("the sandbox exits: " + Files.readString(output))
          .isTrue();
      for (ProcessHandle p : started) {
        p.onExit().completeOnTimeout(p, 5, TimeUnit.SECONDS).join();
      }
      assertThat(
              started.stream().filter(ProcessHandle::isAlive).map(SandboxSignalTest::commandLine))
          .as("processes the sandbox started, left after it exited")
          .isEmpty();
      String out = Files.readString(output);
      assertThat(out).as(out).doesNotContain("Exception").doesNotContain("\tat ");
    } finally {
      started.forEach(ProcessHandle::destroyForcibly); // only if the test failed: they are gone
      sandbox.destroyForcibly();
    }
  }

  private static String commandLine(ProcessHandle p) {
    String line = p.pid() + " " + p.info().commandLine().orElse("?");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
