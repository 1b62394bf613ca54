package dev.registryoperator.retention;

import dev.registryoperator.gcreport.retention.Protection;
import dev.registryoperator.registry.Registries;
import dev.registryoperator.registry.Registry;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import java.util.Map;

/**
 * Test data: workloads in two namespaces that pull from the Registry {@code team-a/images} by every
 * kind of host it has (its Service's names, spec.hostNames), from other registries and from Docker
 * Hub; one Deployment scaled to zero, one CronJob; and the protection they give.
 */
final class SampleWorkloads {
  static final String A = "team-a";
  static final String B = "team-b";
  static final String WEB_DIGEST = digest('a');
  static final String HUB_DIGEST = digest('c');
  static final String REPORT_DIGEST = digest('d');
  static final String API_DIGEST = digest('e');

  private SampleWorkloads() {}

  /** {@code team-a/images}, also reached as registry.example.com and localhost:30500. */
  static Registry registry() {
    Registry registry = Registries.withPvc("images", "1Gi");
    registry.getSpec().setHostNames(List.of("registry.example.com", "localhost:30500"));
    return registry;
  }

  static Workloads workloads() {
    return new Workloads(
        List.of(webPod(), apiPod()),
        List.of(scaledDownWeb()),
        List.of(apiStatefulSet()),
        List.of(logAgent()),
        List.of(migrateJob()),
        List.of(nightlyReport()));
  }

  /** What {@link #workloads()} protect in {@link #registry()}. */
  static Protection expected() {
    return new Protection(
        Map.of(
            "team/web:v1",
            List.of("Deployment team-a/web", "Pod team-a/web-7d9f"),
            "team/web@" + WEB_DIGEST,
            List.of("Pod team-a/web-7d9f"),
            "tools/migrate:2024.1",
            List.of("Job team-b/migrate-1", "Pod team-a/web-7d9f"),
            "debug/shell:latest",
            List.of("Pod team-a/web-7d9f"),
            "team/report@" + REPORT_DIGEST,
            List.of("CronJob team-a/nightly-report"),
            "team/api:v2",
            List.of("Pod team-b/api-0", "StatefulSet team-b/api"),
            "team/api@" + API_DIGEST,
            List.of("Pod team-b/api-0"),
            "team/agent:v3",
            List.of("DaemonSet team-b/log-agent")));
  }

  /**
   * Our image by Service name, one from Docker Hub, an init container by NodePort, an ephemeral
   * container by Ingress host without tag; the runtime's digests (Docker's form), one a bare ID.
   */
  static Pod webPod() {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(A)
        .withName("web-7d9f")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("web")
        .withImage("images.team-a.svc:5000/team/web:v1")
        .endContainer()
        .addNewContainer()
        .withName("proxy")
        .withImage("nginx:1.25")
        .endContainer()
        .addNewInitContainer()
        .withName("migrate")
        .withImage("localhost:30500/tools/migrate:2024.1")
        .endInitContainer()
        .addNewEphemeralContainer()
        .withName("debugger")
        .withImage("registry.example.com/debug/shell")
        .endEphemeralContainer()
        .endSpec()
        .withNewStatus()
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName("web")
                .withImage("images.team-a.svc:5000/team/web:v1")
                .withImageID("docker-pullable://images.team-a.svc:5000/team/web@" + WEB_DIGEST)
                .build(),
            new ContainerStatusBuilder()
                .withName("proxy")
                .withImage("nginx:1.25")
                .withImageID("docker-pullable://nginx@" + HUB_DIGEST)
                .build())
        .withInitContainerStatuses(
            new ContainerStatusBuilder()
                .withName("migrate")
                .withImage("localhost:30500/tools/migrate:2024.1")
                .withImageID(digest('b'))
                .build())
        .endStatus()
        .build();
  }

  /** Upper-case host, full cluster domain; containerd's imageID. */
  static Pod apiPod() {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(B)
        .withName("api-0")
        .endMetadata()
        .withSpec(podSpec("IMAGES.team-a.svc.cluster.local:5000/team/api:v2"))
        .withNewStatus()
        .addNewContainerStatus()
        .withName("c0")
        .withImage("images.team-a.svc.cluster.local:5000/team/api:v2")
        .withImageID("images.team-a.svc.cluster.local:5000/team/api@" + API_DIGEST)
        .endContainerStatus()
        .endStatus()
        .build();
  }

  static Deployment scaledDownWeb() {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withNamespace(A)
        .withName("web")
        .endMetadata()
        .withNewSpec()
        .withReplicas(0)
        .withNewSelector()
        .addToMatchLabels("app", "web")
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", "web")
        .endMetadata()
        .withSpec(podSpec("images.team-a.svc:5000/team/web:v1"))
        .endTemplate()
        .endSpec()
        .build();
  }

  static StatefulSet apiStatefulSet() {
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withNamespace(B)
        .withName("api")
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .addToMatchLabels("app", "api")
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", "api")
        .endMetadata()
        .withSpec(podSpec("images.team-a:5000/team/api:v2"))
        .endTemplate()
        .endSpec()
        .build();
  }

  /** Another registry's image, another local registry's (not our NodePort), and ours. */
  static DaemonSet logAgent() {
    return new DaemonSetBuilder()
        .withNewMetadata()
        .withNamespace(B)
        .withName("log-agent")
        .endMetadata()
        .withNewSpec()
        .withNewSelector()
        .addToMatchLabels("app", "log-agent")
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", "log-agent")
        .endMetadata()
        .withSpec(
            podSpec(
                "other-registry.example.com/team/agent:v1",
                "localhost:5000/team/agent:v1",
                "registry.example.com/team/agent:v3"))
        .endTemplate()
        .endSpec()
        .build();
  }

  static Job migrateJob() {
    return new JobBuilder()
        .withNewMetadata()
        .withNamespace(B)
        .withName("migrate-1")
        .endMetadata()
        .withNewSpec()
        .withNewTemplate()
        .withSpec(podSpec("localhost:30500/tools/migrate:2024.1"))
        .endTemplate()
        .endSpec()
        .build();
  }

  /** Pinned by tag and digest: the digest is what runs. */
  static CronJob nightlyReport() {
    return new CronJobBuilder()
        .withNewMetadata()
        .withNamespace(A)
        .withName("nightly-report")
        .endMetadata()
        .withNewSpec()
        .withSchedule("0 2 * * *")
        .withNewJobTemplate()
        .withNewSpec()
        .withNewTemplate()
        .withSpec(podSpec("registry.example.com/team/report:2024-06@" + REPORT_DIGEST))
        .endTemplate()
        .endSpec()
        .endJobTemplate()
        .endSpec()
        .build();
  }

  private static PodSpec podSpec(String... images) {
    PodSpecBuilder spec = new PodSpecBuilder().withRestartPolicy("Never");
    for (int i = 0; i < images.length; i++) {
      spec.addNewContainer().withName("c" + i).withImage(images[i]).endContainer();
    }
    return spec.build();
  }

  static String digest(char hex) {
    return "sha256:" + String.valueOf(hex).repeat(64);
  }
}
