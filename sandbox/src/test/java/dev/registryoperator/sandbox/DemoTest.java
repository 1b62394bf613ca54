package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's run command (the demo) succeeds, says what happened, leaves no process behind, and
 * prints no stack trace (on its output, or on stderr where the operator, the fake cluster and the
 * API server log).
 */
class DemoTest {

  @Test
  void theDemoRunsAGcEndToEndAndExitsCleanly() throws Exception {
    Path workDir = GcScenario.workDir("demo");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    int exit;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        PrintStream err =
            new PrintStream(new TeeOutputStream(stderr, errBytes), true, StandardCharsets.UTF_8)) {
      System.setErr(err);
      exit = new Demo(out, false, b -> b.workDir(workDir)).run();
    } finally {
      System.setErr(stderr);
    }
    String output = bytes.toString(StandardCharsets.UTF_8);
    String errors = errBytes.toString(StandardCharsets.UTF_8);
    System.out.println(output);
    assertThat(exit).as(output).isZero();
    assertThat(output)
        .contains("$ kubectl get registries,gcschedules", "registry/images", "gcschedule/on-demand")
        .contains("Quiescing", "Collecting", "Restoring", "Succeeded Collected")
        .contains(
            "- equal",
            "pushes refused (HTTP 405)",
            "0 failed",
            "blobs of the deleted images still on disk: 0")
        .contains("none is left");
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(output + errors)
        .as("no stack trace")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  /** Writes to both. */
  private static final class TeeOutputStream extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    TeeOutputStream(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] buffer, int offset, int length) throws IOException {
      a.write(buffer, offset, length);
      b.write(buffer, offset, length);
    }

    @Override
    public void flush() throws IOException {
      a.flush();
      b.flush();
    }
  }
}
