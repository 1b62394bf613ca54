package dev.registryoperator.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registryoperator.fakecluster.CrudApiDispatcher;
import dev.registryoperator.fakecluster.MockApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.KubernetesListBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The listing against the CRUD mock API server, and the switch. */
class WorkloadImagesTest {
  private final MockApiServer api = MockApiServer.start();
  private final KubernetesClient client = api.newClient();

  @AfterEach
  void close() {
    client.close();
    api.close();
  }

  @Test
  void workloadsOfEveryNamespaceProtectTheRegistrysImagesTheyName() {
    Workloads workloads = SampleWorkloads.workloads();
    Stream.of(
            workloads.pods(),
            workloads.deployments(),
            workloads.statefulSets(),
            workloads.daemonSets(),
            workloads.jobs(),
            workloads.cronJobs())
        .flatMap(List::stream)
        .forEach(this::create);
    api.dispatcher().recordRequests();

    WorkloadCheck check = new WorkloadImages(client, true).check(SampleWorkloads.registry());

    assertThat(check).isEqualTo(new WorkloadCheck(SampleWorkloads.expected(), true));
    assertThat(api.dispatcher().requests())
        .extracting(
            r -> r.verb() + " " + r.group() + "/" + r.resource() + " in '" + r.namespace() + "'")
        .containsExactly(
            "list /pods in ''",
            "list apps/deployments in ''",
            "list apps/statefulsets in ''",
            "list apps/daemonsets in ''",
            "list batch/jobs in ''",
            "list batch/cronjobs in ''");
  }

  /**
   * The CRUD mock answers every list whole; a server in expectation mode answers pods in pages of
   * two, as a real API server does with {@code limit} and {@code continue}.
   */
  @Test
  void everyPageIsRead() {
    KubernetesMockServer server = new KubernetesMockServer(false);
    server.init();
    try (KubernetesClient paged = server.createClient()) {
      Pod web = SampleWorkloads.webPod();
      Pod api = SampleWorkloads.apiPod();
      Pod other = new PodBuilder(api).editMetadata().withName("api-1").endMetadata().build();
      server
          .expect()
          .get()
          .withPath("/api/v1/pods?limit=2")
          .andReturn(200, podPage("page-2", web, api))
          .once();
      server
          .expect()
          .get()
          .withPath("/api/v1/pods?continue=page-2&limit=2")
          .andReturn(200, podPage(null, other))
          .once();
      for (String kinds :
          List.of(
              "/apis/apps/v1/deployments",
              "/apis/apps/v1/statefulsets",
              "/apis/apps/v1/daemonsets",
              "/apis/batch/v1/jobs",
              "/apis/batch/v1/cronjobs")) {
        server.expect().get().withPath(kinds + "?limit=2").andReturn(200, emptyList()).once();
      }

      WorkloadCheck check = new WorkloadImages(paged, true, 2).check(SampleWorkloads.registry());

      assertThat(check.protection().usersByReference())
          .containsEntry("team/api:v2", List.of("Pod team-b/api-0", "Pod team-b/api-1"))
          .containsEntry("team/web:v1", List.of("Pod team-a/web-7d9f"));
      assertThat(server.getRequestCount()).isEqualTo(7);
    } finally {
      server.destroy();
    }
  }

  private static PodList podPage(String next, Pod... pods) {
    return new PodListBuilder()
        .withNewMetadata()
        .withContinue(next)
        .endMetadata()
        .withItems(pods)
        .build();
  }

  private static KubernetesList emptyList() {
    return new KubernetesListBuilder().withNewMetadata().endMetadata().build();
  }

  @Test
  void anEmptyClusterProtectsNothingButWasChecked() {
    assertThat(new WorkloadImages(client, true).check(SampleWorkloads.registry()))
        .isEqualTo(
            new WorkloadCheck(dev.registryoperator.gcreport.retention.Protection.NONE, true));
  }

  @Test
  void switchedOffItListsNothingAndSaysSo() {
    create(SampleWorkloads.webPod());
    api.dispatcher().recordRequests();

    WorkloadImages off = new WorkloadImages(client, false);

    assertThat(off.enabled()).isFalse();
    assertThat(off.check(SampleWorkloads.registry())).isEqualTo(WorkloadCheck.NOT_CHECKED);
    assertThat(WorkloadCheck.NOT_CHECKED.workloadsChecked()).isFalse();
    assertThat(WorkloadCheck.NOT_CHECKED.protection().usersByReference()).isEmpty();
    assertThat(api.dispatcher().requests()).isEmpty();
  }

  @Test
  void aKindItMayNotListFailsTheCheckRatherThanProtectLess() {
    create(SampleWorkloads.webPod());
    api.dispatcher()
        .admit(
            request ->
                request.path().contains("/cronjobs")
                    ? Optional.of(
                        new CrudApiDispatcher.Refusal(
                            403, "Forbidden", "cronjobs.batch is forbidden"))
                    : Optional.empty());

    assertThatThrownBy(() -> new WorkloadImages(client, true).check(SampleWorkloads.registry()))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("Forbidden");
  }

  @Test
  void theSwitchIsOnUnlessTheEnvironmentSaysFalse() {
    assertThat(WorkloadImages.enabledIn(Map.of())).isTrue();
    assertThat(WorkloadImages.enabledIn(Map.of("RETENTION_PROTECT_WORKLOADS", ""))).isTrue();
    assertThat(WorkloadImages.enabledIn(Map.of("RETENTION_PROTECT_WORKLOADS", "true"))).isTrue();
    assertThat(WorkloadImages.enabledIn(Map.of("RETENTION_PROTECT_WORKLOADS", " TRUE "))).isTrue();
    assertThat(WorkloadImages.enabledIn(Map.of("RETENTION_PROTECT_WORKLOADS", "false"))).isFalse();
    assertThat(WorkloadImages.enabledIn(Map.of("RETENTION_PROTECT_WORKLOADS", "False"))).isFalse();
    assertThatThrownBy(
            () -> WorkloadImages.enabledIn(Map.of("RETENTION_PROTECT_WORKLOADS", "fasle")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RETENTION_PROTECT_WORKLOADS is 'fasle'");
  }

  private void create(HasMetadata workload) {
    client.resource(workload).create();
  }
}
