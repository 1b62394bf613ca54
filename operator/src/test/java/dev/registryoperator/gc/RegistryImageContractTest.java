package dev.registryoperator.gc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.registry.MaintenanceMode;
import dev.registryoperator.registry.Registries;
import dev.registryoperator.registry.RegistryDeployment;
import dev.registryoperator.registry.RegistryNames;
import dev.registryoperator.registry.RegistrySpec;
import dev.registryoperator.registry.ServingMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The registry image's contract, in one place: the image (registry-image/Dockerfile) and the
 * operator's builders agree on paths, user, binary, runner and tag. No Docker engine runs here, so
 * this is how a drift between them is caught.
 */
class RegistryImageContractTest {
  private static final Path DOCKERFILE =
      Path.of(System.getProperty("crds.dir", "../crds"))
          .resolveSibling("registry-image/Dockerfile");

  @Test
  void theImageHasWhatPodsAndJobsUse() throws IOException {
    String dockerfile = Files.readString(DOCKERFILE);
    var registry = Registries.withPvc("images", "1Gi");
    var pod =
        RegistryDeployment.desired(
                registry,
                new RegistryDeployment.Inputs(
                    ServingMode.of(registry.getSpec(), Optional.empty()), "c", null))
            .getSpec()
            .getTemplate()
            .getSpec();
    var job =
        GcJob.desired(
                GcRunTest.schedule(MaintenanceMode.ReadOnly),
                GcRunPlan.of(GcRunTest.schedule(MaintenanceMode.ReadOnly).getSpec(), registry),
                registry,
                "r1",
                GcJob.Kind.Collect,
                null,
                false)
            .getSpec()
            .getTemplate()
            .getSpec();

    assertThat(pod.getContainers().get(0).getCommand())
        .containsExactly(RegistryNames.REGISTRY_BINARY);
    assertThat(dockerfile).contains("/bin/registry " + RegistryNames.REGISTRY_BINARY);
    assertThat(dockerfile).contains("REGISTRY_BINARY=" + RegistryNames.REGISTRY_BINARY);
    assertThat(dockerfile).contains(RegistryNames.CONFIG_PATH);
    assertThat(dockerfile).contains(RegistryNames.DATA_DIR);
    assertThat(dockerfile).contains("target/gc-runner.jar " + RegistryNames.GC_RUNNER_JAR);
    assertThat(job.getContainers().get(0).getArgs())
        .contains(RegistryNames.GC_RUNNER_JAR, RegistryNames.CONFIG_PATH);
    assertThat(dockerfile)
        .contains("USER " + RegistryDeployment.UID + ":" + RegistryDeployment.UID);
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(RegistryDeployment.UID);
    assertThat(dockerfile).containsPattern("FROM registry:3\\.");
    assertThat(dockerfile)
        .as("the runner needs a Java 17 runtime")
        .contains("FROM eclipse-temurin:17-jre");
    assertThat(dockerfile)
        .as("the image alone serves a registry")
        .contains("CMD [\"registry\", \"serve\", \"" + RegistryNames.CONFIG_PATH + "\"]");
    assertThat(dockerfile).contains(RegistrySpec.DEFAULT_IMAGE);
  }
}
