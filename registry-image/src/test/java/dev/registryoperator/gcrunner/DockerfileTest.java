package dev.registryoperator.gcrunner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The fixed paths the operator's builders rely on (the operator module checks them too). */
class DockerfileTest {
    @Test
    void keepsTheFixedPaths() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile"));

        assertThat(dockerfile)
                .contains("FROM registry:3.0.0 AS distribution")
                .contains("FROM eclipse-temurin:17-jre")
                .contains("COPY --from=distribution /bin/registry /usr/local/bin/registry")
                .contains("/etc/distribution/config.yml")
                .contains("/var/lib/registry")
                .contains("COPY target/gc-runner.jar /opt/gc-runner/gc-runner.jar")
                .contains("ENV REGISTRY_BINARY=/usr/local/bin/registry")
                .contains("USER 65532:65532")
                .contains("CMD [\"registry\", \"serve\", \"/etc/distribution/config.yml\"]");
    }

    @Test
    void buildContextHoldsWhatTheDockerfileCopies() throws Exception {
        assertThat(Path.of("config.yml")).isRegularFile();
        assertThat(Files.readString(Path.of(".dockerignore"))).contains("!config.yml", "!target/gc-runner.jar");
        RegistryConfig config = RegistryConfig.load(Path.of("config.yml"), java.util.Map.of());
        assertThat(config.rootDirectory()).isEqualTo(Path.of("/var/lib/registry"));
    }
}
