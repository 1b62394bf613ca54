package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registryoperator.registry.RegistryNames;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** A container's command line maps the image's files and the pod's mounts to this machine. */
class ContainerCommandTest {
  private static final LocalImage IMAGE =
      new LocalImage(
          Path.of("/local/registry"),
          Path.of("/local/gc-registry"),
          Path.of("/local/gc-runner.jar"),
          Path.of("/local/java"));
  private static final String CONFIG_DIR = RegistryNames.CONFIG_DIR + "/";
  private static final UnaryOperator<String> MOUNTS =
      path ->
          path.startsWith(CONFIG_DIR) ? "/pod/config/" + path.substring(CONFIG_DIR.length()) : path;

  @Test
  void withoutCommandOrArgumentsTheImageServesItsConfig() {
    assertThat(ContainerCommand.of(new Container(), IMAGE, false, MOUNTS))
        .containsExactly("/local/registry", "serve", "/pod/config/config.yml");
  }

  @Test
  void imageFilesAndMountedPathsAreMappedAlsoAsOptionValues() {
    Container runner =
        new ContainerBuilder()
            .withCommand("java")
            .withArgs(
                "-jar",
                RegistryNames.GC_RUNNER_JAR,
                "--config=" + RegistryNames.CONFIG_PATH,
                "--report",
                CONFIG_DIR + "report",
                "--mode=ReadOnly",
                "/elsewhere/file")
            .build();

    assertThat(ContainerCommand.of(runner, IMAGE, true, MOUNTS))
        .containsExactly(
            "/local/java",
            "-jar",
            "/local/gc-runner.jar",
            "--config=/pod/config/config.yml",
            "--report",
            "/pod/config/report",
            "--mode=ReadOnly",
            "/elsewhere/file");
  }

  @Test
  void aJobGetsTheGcRegistryBinary() {
    Container c = new ContainerBuilder().withCommand(RegistryNames.REGISTRY_BINARY).build();
    assertThat(ContainerCommand.of(c, IMAGE, true, MOUNTS)).containsExactly("/local/gc-registry");
    assertThat(ContainerCommand.of(c, IMAGE, false, MOUNTS)).containsExactly("/local/registry");
  }

  @Test
  void anExecutableTheImageLacksFails() {
    Container c = new ContainerBuilder().withCommand("/bin/sh").withArgs("-c", "true").build();
    assertThatThrownBy(() -> ContainerCommand.of(c, IMAGE, false, MOUNTS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/bin/sh");
  }

  @Test
  void argumentsAfterTheCommandAreKept() {
    Container c = new ContainerBuilder().withCommand("registry").withArgs("--version").build();
    assertThat(ContainerCommand.of(c, IMAGE, false, MOUNTS))
        .isEqualTo(List.of("/local/registry", "--version"));
  }
}
