package dev.registryoperator.gcrunner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The image's build context holds what its Dockerfile copies. What the image must contain for the
 * operator's pods and Jobs (paths, user, binary, runner) is one contract, checked against the
 * operator's builders in the operator module (RegistryImageContractTest).
 */
class DockerBuildContextTest {
  @Test
  void buildContextHoldsWhatTheDockerfileCopies() throws Exception {
    assertThat(Files.readString(Path.of("Dockerfile")))
        .contains("COPY config.yml ", "COPY target/gc-runner.jar ");
    assertThat(Path.of("config.yml")).isRegularFile();
    assertThat(Files.readString(Path.of(".dockerignore")))
        .contains("!config.yml", "!target/gc-runner.jar");
    RegistryConfig config = RegistryConfig.load(Path.of("config.yml"), java.util.Map.of());
    assertThat(config.rootDirectory()).isEqualTo(Path.of("/var/lib/registry"));
  }
}
