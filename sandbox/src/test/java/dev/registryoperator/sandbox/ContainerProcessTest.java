package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A container's processes live and die together, as in a container. */
class ContainerProcessTest {

  @Test
  void terminatingAContainerStopsTheChildrenItStartedToo(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("log");
    ContainerProcess p =
        ContainerProcess.start(
            List.of("/bin/sh", "-c", "sleep 60 & sleep 60 & wait"),
            Map.of("PATH", "/usr/bin:/bin"),
            dir,
            log);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> p.toString() != null && childrenOf(p.pid()) == 2);
    assertThat(ContainerProcess.groupOf(p.pid()))
        .as("a process group of its own")
        .isEqualTo(p.pid());

    p.terminate();
    assertThat(p.waitFor(Duration.ofSeconds(10))).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> !p.groupAlive());
    assertThat(Files.exists(log)).isTrue();
  }

  @Test
  void childrenLeftBehindByAnExitedMainProcessAreKilledWithTheContainer(@TempDir Path dir)
      throws Exception {
    ContainerProcess p =
        ContainerProcess.start(
            List.of("/bin/sh", "-c", "sleep 60 & exit 3"),
            Map.of("PATH", "/usr/bin:/bin"),
            dir,
            dir.resolve("log"));
    assertThat(p.waitFor(Duration.ofSeconds(10))).isTrue();
    assertThat(p.exitValue()).isEqualTo(3);
    assertThat(p.groupAlive()).as("the orphaned sleep is still in the group").isTrue();
    p.kill();
    await().atMost(Duration.ofSeconds(10)).until(() -> !p.groupAlive());
  }

  private static long childrenOf(long pid) {
    return ProcessHandle.of(pid).map(h -> h.children().count()).orElse(0L);
  }
}
