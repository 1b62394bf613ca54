package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real kubectl, pointed at the sandbox's kubeconfig: create, get, describe (with events),
 * annotate to request a run, wait for a condition and for a field, logs, delete. Skipped where
 * kubectl is not installed.
 */
class KubectlTest {
  private static final Path KUBECTL =
      Path.of(System.getProperty("sandbox.kubectl", "/usr/bin/kubectl"));

  private record Result(int exit, String out, String err) {}

  @Test
  void kubectlDrivesTheSandbox() throws Exception {
    assumeTrue(Files.isExecutable(KUBECTL), "kubectl not installed at " + KUBECTL);
    try (GcScenario s = GcScenario.start("kubectl")) {
      Path kubeconfig = s.sandbox.kubeconfig();
      Path examples = s.sandbox.settings().repoRoot().resolve("examples");

      assertThat(
              kubectl(
                      kubeconfig,
                      "create",
                      "-f",
                      examples.resolve("registry-minimal.yaml").toString(),
                      "--validate=false")
                  .out())
          .contains("registry.registry.operator.dev/images created");
      assertThat(
              kubectl(
                      kubeconfig,
                      "wait",
                      "--for=condition=Ready",
                      "registry/images",
                      "--timeout=60s")
                  .out())
          .contains("condition met");
      assertThat(kubectl(kubeconfig, "get", "registries,gcschedules").out()).contains("images");
      assertThat(
              kubectl(kubeconfig, "get", "reg", "images", "-o", "jsonpath={.status.phase}").out())
          .isEqualTo("Ready");
      assertThat(kubectl(kubeconfig, "get", "registry-operator").out()).contains("images");
      assertThat(kubectl(kubeconfig, "describe", "registry", "images").out())
          .containsPattern("Kind:\\s+Registry")
          .containsPattern("Reason:\\s+Available")
          .containsPattern("Normal\\s+Available"); // the event, listed by field selector

      Path schedule = s.workDir.resolve("gcschedule.yaml");
      Files.writeString(
          schedule,
          Files.readString(examples.resolve("gcschedule-on-demand.yaml"))
              .replace("name: secure-images", "name: images"));
      assertThat(kubectl(kubeconfig, "apply", "-f", schedule.toString(), "--validate=false").out())
          .contains("gcschedule.registry.operator.dev/on-demand created");
      assertThat(
              kubectl(kubeconfig, "wait", "--for=condition=Ready", "gcs/on-demand", "--timeout=60s")
                  .out())
          .contains("condition met");

      assertThat(
              kubectl(
                      kubeconfig,
                      "annotate",
                      "gcs",
                      "on-demand",
                      "registry.operator.dev/run-requested-at=2026-11-24T10:00:00Z",
                      "--overwrite")
                  .out())
          .contains("annotated");
      // waits for this very run, as the README shows: its request comes back in lastRun.runRequest
      assertThat(
              kubectl(
                      kubeconfig,
                      "wait",
                      "--for=jsonpath={.status.lastRun.runRequest}=2026-11-24T10:00:00Z",
                      "gcs/on-demand",
                      "--timeout=90s")
                  .out())
          .contains("condition met");
      assertThat(
              kubectl(
                      kubeconfig,
                      "get",
                      "gcs",
                      "on-demand",
                      "-o",
                      "jsonpath={.status.lastRun.result}")
                  .out())
          .isEqualTo("Succeeded");
      assertThat(
              kubectl(
                      kubeconfig,
                      "wait",
                      "--for=condition=Running=false",
                      "gcs/on-demand",
                      "--timeout=30s")
                  .out())
          .contains("condition met");
      assertThat(
              kubectl(
                      kubeconfig,
                      "get",
                      "gcs",
                      "on-demand",
                      "-o",
                      "jsonpath={.status.lastHandledRunRequest} {.status.lastRun.reason}")
                  .out())
          .isEqualTo("2026-11-24T10:00:00Z Collected");
      assertThat(kubectl(kubeconfig, "describe", "gcs", "on-demand").out())
          .contains("RunStarted", "MaintenanceRequested", "Restored");

      String pod =
          kubectl(
                  kubeconfig,
                  "get",
                  "pods",
                  "-l",
                  "app.kubernetes.io/instance=images," + "app.kubernetes.io/component=registry",
                  "-o",
                  "jsonpath={.items[0].metadata.name}")
              .out();
      assertThat(kubectl(kubeconfig, "logs", pod).out()).contains("listening on");

      assertThat(kubectl(kubeconfig, "delete", "gcs", "on-demand", "--wait=false").out())
          .contains("deleted");
      GcScenario.eventually()
          .until(() -> kubectl(kubeconfig, "get", "gcs").err().contains("No resources found"));
    }
  }

  private static Result kubectl(Path kubeconfig, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of(KUBECTL.toString(), "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("kubectl", ".out");
    Path err = Files.createTempFile("kubectl", ".err");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl " + String.join(" ", args) + " timed out");
      }
      Result result =
          new Result(
              p.exitValue(),
              Files.readString(out, StandardCharsets.UTF_8).strip(),
              Files.readString(err, StandardCharsets.UTF_8));
      if (result.exit() != 0
          && !(args.length > 0 && args[0].equals("get") && result.err().contains("No resources"))) {
        throw new AssertionError(
            "kubectl "
                + String.join(" ", args)
                + " exited "
                + result.exit()
                + ":\n"
                + result.out()
                + "\n"
                + result.err());
      }
      return result;
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
