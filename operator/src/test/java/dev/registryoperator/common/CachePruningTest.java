package dev.registryoperator.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gc.GcJob;
import dev.registryoperator.gc.GcRunPlan;
import dev.registryoperator.gc.GcSchedule;
import dev.registryoperator.gc.GcScheduleSpec;
import dev.registryoperator.gc.JobObservation;
import dev.registryoperator.registry.GcPods;
import dev.registryoperator.registry.MaintenanceMode;
import dev.registryoperator.registry.MaintenanceRequest;
import dev.registryoperator.registry.PodCensus;
import dev.registryoperator.registry.Registries;
import dev.registryoperator.registry.Registry;
import dev.registryoperator.registry.RegistryDeployment;
import dev.registryoperator.registry.ServingMode;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A cached pod keeps everything the reconcilers decide from (the pod census, the GC guard, a Job's
 * observation give the same answers for the pruned pod) and loses the bulk of its spec.
 */
class CachePruningTest {
  private final Registry registry = Registries.withAuthAndTls("images");

  @Test
  void aRegistryPodCountsTheSameReadOnlyReadyAndCurrentOnceItIsPruned() {
    var readOnly =
        new MaintenanceRequest(
            "GcSchedule/nightly", "run-1", MaintenanceMode.ReadOnly, "2026-11-24T03:00:00Z");
    for (ServingMode mode :
        List.of(
            ServingMode.of(registry.getSpec(), Optional.empty()),
            ServingMode.of(registry.getSpec(), Optional.of(readOnly)))) {
      Deployment deployment =
          RegistryDeployment.desired(registry, new RegistryDeployment.Inputs(mode, "abc123", null));
      String hash = RegistryDeployment.templateHash(deployment);
      Pod full = running(pod(deployment.getSpec().getTemplate(), "images-1"), true);

      Pod pruned = CachePruning.prune(copy(full));

      assertThat(PodCensus.of(List.of(pruned), hash)).isEqualTo(PodCensus.of(List.of(full), hash));
      assertThat(PodCensus.servesReadOnly(pruned)).isEqualTo(PodCensus.servesReadOnly(full));
      assertThat(PodCensus.isReady(pruned)).isTrue();
      // what made it heavy is gone
      assertThat(full.getSpec().getVolumes()).isNotEmpty();
      assertThat(pruned.getSpec().getVolumes()).isEmpty();
      assertThat(pruned.getSpec().getSecurityContext()).isNull();
      assertThat(pruned.getSpec().getContainers())
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.getName()).isEqualTo(RegistryDeployment.CONTAINER);
                assertThat(c.getImage())
                    .isEqualTo(full.getSpec().getContainers().get(0).getImage());
                assertThat(c.getReadinessProbe()).isNull();
                assertThat(c.getVolumeMounts()).isEmpty();
              });
      assertThat(Serialization.asJson(pruned).length())
          .isLessThan(Serialization.asJson(full).length() / 2);
    }
  }

  @Test
  void aCollectPodGuardsItsRegistryAndIsObservedTheSameOnceItIsPruned() {
    GcSchedule schedule = new GcSchedule();
    schedule.setMetadata(new ObjectMeta());
    schedule.getMetadata().setName("nightly");
    schedule.getMetadata().setNamespace("team-a");
    schedule.getMetadata().setUid("uid-nightly");
    schedule.setSpec(new GcScheduleSpec());
    schedule.getSpec().setMode(MaintenanceMode.ReadOnly);
    Job job =
        GcJob.desired(
            schedule,
            GcRunPlan.of(schedule.getSpec(), registry),
            registry,
            "r1",
            GcJob.Kind.Collect,
            null,
            true);
    Pod running = running(pod(job.getSpec().getTemplate(), "nightly-r1-x"), false);
    Pod terminated =
        new PodBuilder(copy(running))
            .editStatus()
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName(GcJob.CONTAINER)
                    .withNewState()
                    .withNewTerminated()
                    .withExitCode(3)
                    .withMessage("integrity check failed")
                    .endTerminated()
                    .endState()
                    .build())
            .endStatus()
            .build();

    for (Pod full : List.of(running, terminated)) {
      Pod pruned = CachePruning.prune(copy(full));

      assertThat(GcPods.isCollect(pruned)).isTrue();
      assertThat(GcPods.isLive(pruned)).isEqualTo(GcPods.isLive(full));
      assertThat(GcPods.guard(List.of(pruned), "images"))
          .isEqualTo(GcPods.guard(List.of(full), "images"));
      assertThat(JobObservation.of(job, List.of(pruned), List.of(pruned), null))
          .isEqualTo(JobObservation.of(job, List.of(full), List.of(full), null));
    }
    assertThat(GcPods.isLive(CachePruning.prune(copy(running)))).isTrue();
    assertThat(GcPods.isLive(CachePruning.prune(copy(terminated)))).isFalse();
  }

  @Test
  void managedFieldsAreDroppedFromEveryCachedObject() {
    Pod pod = new PodBuilder().withNewMetadata().withName("p").endMetadata().build();
    pod.getMetadata()
        .setManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("kubectl").build()));

    assertThat(CachePruning.withoutManagedFields(pod).getMetadata().getManagedFields()).isNull();
    assertThat(CachePruning.prune(new PodBuilder().build())).isNotNull();
  }

  @Test
  void theStoreKeepsThePrunedObjectByNamespaceAndName() {
    PruningItemStore<Pod> store = new PruningItemStore<>(CachePruning::prune);
    Deployment deployment =
        RegistryDeployment.desired(
            registry,
            new RegistryDeployment.Inputs(
                ServingMode.of(registry.getSpec(), Optional.empty()), "abc123", null));
    Pod first = pod(deployment.getSpec().getTemplate(), "images-1");
    Pod second = pod(deployment.getSpec().getTemplate(), "images-1");
    second.getMetadata().setResourceVersion("2");

    assertThat(store.put(store.getKey(first), first)).isNull();
    Pod previous = store.put(store.getKey(second), second);

    assertThat(store.getKey(first)).isEqualTo("team-a/images-1");
    assertThat(previous.getSpec().getVolumes()).isEmpty();
    assertThat(store.get("team-a/images-1").getMetadata().getResourceVersion()).isEqualTo("2");
    assertThat(store.get("team-a/images-1").getSpec().getVolumes()).isEmpty();
    assertThat(store.size()).isEqualTo(1);
    // an event source with one informer gets a store; one informer per namespace shares none
    assertThat(PruningItemStore.forNamespaces(java.util.Set.of("a"), CachePruning::prune))
        .isNotNull();
    assertThat(PruningItemStore.<Pod>forNamespaces(java.util.Set.of("a", "b"), CachePruning::prune))
        .isNull();
  }

  private static Pod pod(PodTemplateSpec template, String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("team-a")
        .withCreationTimestamp("2026-11-27T01:00:00Z")
        .withLabels(template.getMetadata().getLabels())
        .withAnnotations(template.getMetadata().getAnnotations())
        .endMetadata()
        .withSpec(template.getSpec())
        .build();
  }

  private static Pod running(Pod pod, boolean ready) {
    PodCondition readyCondition = new PodCondition();
    readyCondition.setType("Ready");
    readyCondition.setStatus(ready ? "True" : "False");
    return new PodBuilder(pod)
        .withNewStatus()
        .withPhase("Running")
        .withConditions(readyCondition)
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName(pod.getSpec().getContainers().get(0).getName())
                .withNewState()
                .withNewRunning()
                .endRunning()
                .endState()
                .build())
        .endStatus()
        .build();
  }

  private static Pod copy(Pod pod) {
    return Serialization.unmarshal(Serialization.asJson(pod), Pod.class);
  }
}
