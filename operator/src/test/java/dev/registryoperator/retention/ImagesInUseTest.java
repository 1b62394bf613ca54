package dev.registryoperator.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gcreport.retention.Protection;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImagesInUseTest {
  private final RegistryHosts hosts = RegistryHosts.of(SampleWorkloads.registry());

  @Test
  void everyImageOfTheRegistryInPodsAndTemplatesIsProtectedWithWhoUsesIt() {
    assertThat(ImagesInUse.of(hosts, SampleWorkloads.workloads()))
        .isEqualTo(SampleWorkloads.expected());
  }

  @Test
  void imagesOfOtherRegistriesProtectNothing() {
    Pod pod =
        new PodBuilder(SampleWorkloads.webPod())
            .editSpec()
            .withInitContainers(List.of())
            .withEphemeralContainers(List.of())
            .editContainer(0)
            .withImage("registry.example.com:443/team/web:v1")
            .endContainer()
            .endSpec()
            .withStatus(null)
            .build();
    ImagesInUse images = new ImagesInUse(hosts);
    images.add(pod);
    images.add(SampleWorkloads.logAgent());
    assertThat(images.protection())
        .isEqualTo(new Protection(Map.of("team/agent:v3", List.of("DaemonSet team-b/log-agent"))));
  }

  @Test
  void workloadsWithoutSpecOrTemplateAreSkipped() {
    ImagesInUse images = new ImagesInUse(hosts);
    images.add(
        new PodBuilder().withNewMetadata().withNamespace("a").withName("p").endMetadata().build());
    images.add(
        new DeploymentBuilder()
            .withNewMetadata()
            .withNamespace("a")
            .withName("d")
            .endMetadata()
            .build());
    images.add(
        new CronJobBuilder()
            .withNewMetadata()
            .withNamespace("a")
            .withName("c")
            .endMetadata()
            .withNewSpec()
            .withNewJobTemplate()
            .endJobTemplate()
            .endSpec()
            .build());
    assertThat(images.protection()).isEqualTo(Protection.NONE);
  }

  @Test
  void theUserIsNamedByTheClassEvenWhenAListItemCarriesNoKind() {
    Deployment deployment = SampleWorkloads.scaledDownWeb();
    deployment.setKind(null);
    CronJob cronJob = SampleWorkloads.nightlyReport();
    cronJob.setKind(null);
    assertThat(ImagesInUse.user(deployment)).isEqualTo("Deployment team-a/web");
    assertThat(ImagesInUse.user(cronJob)).isEqualTo("CronJob team-a/nightly-report");
  }
}
