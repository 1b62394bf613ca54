package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's run command (the demo) succeeds, says what happened, and leaves no process behind. */
class DemoTest {

  @Test
  void theDemoRunsAGcEndToEndAndExitsCleanly() throws Exception {
    Path workDir = GcScenario.workDir("demo");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int exit;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      exit = new Demo(out, false, b -> b.workDir(workDir)).run();
    }
    String output = bytes.toString(StandardCharsets.UTF_8);
    System.out.println(output);
    assertThat(exit).as(output).isZero();
    assertThat(output)
        .contains("$ kubectl get registries,gcschedules", "registry/images", "gcschedule/on-demand")
        .contains("Quiescing", "Collecting", "Restoring", "Succeeded Collected")
        .contains("- equal", "pushes refused (HTTP 405)", "0 failed", "blobs of the deleted images still on disk: 0")
        .contains("none is left");
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)).isEmpty();
  }
}
