package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The termination message: the file, else the log's tail where the policy says so. */
class TerminationMessageTest {
  @TempDir Path dir;

  @Test
  void theFileWinsCutAt4096Bytes() throws Exception {
    Path message = Files.writeString(dir.resolve("termination-log"), "x".repeat(5000));
    Path log = Files.writeString(dir.resolve("log"), "failed\n");

    assertThat(TerminationMessage.read(message, log, "FallbackToLogsOnError", 1))
        .isEqualTo("x".repeat(4096));
  }

  @Test
  void anEmptyOrMissingFileFallsBackToTheLogsLast80LinesOnlyOnAFailedExit() throws Exception {
    Path message = Files.writeString(dir.resolve("termination-log"), "");
    Path log =
        Files.writeString(
            dir.resolve("log"),
            IntStream.rangeClosed(1, 100).mapToObj(i -> "l" + i).collect(Collectors.joining("\n")));
    String last80 =
        IntStream.rangeClosed(21, 100).mapToObj(i -> "l" + i).collect(Collectors.joining("\n"));

    assertThat(TerminationMessage.read(message, log, "FallbackToLogsOnError", 1)).isEqualTo(last80);
    assertThat(TerminationMessage.read(dir.resolve("none"), log, "FallbackToLogsOnError", 2))
        .isEqualTo(last80);
    assertThat(TerminationMessage.read(message, log, "FallbackToLogsOnError", 0)).isNull();
    assertThat(TerminationMessage.read(message, log, "FallbackToLogsOnError", null)).isNull();
    assertThat(TerminationMessage.read(message, log, "File", 1)).isNull();
    assertThat(TerminationMessage.read(message, log, null, 1)).isNull();
  }

  @Test
  void theLogsTailIsItsLast2048Bytes() throws Exception {
    Path log = Files.writeString(dir.resolve("log"), "a".repeat(3000) + "\n" + "b".repeat(10));

    assertThat(TerminationMessage.read(dir.resolve("none"), log, "FallbackToLogsOnError", 1))
        .isEqualTo("a".repeat(2037) + "\n" + "b".repeat(10));
  }
}
