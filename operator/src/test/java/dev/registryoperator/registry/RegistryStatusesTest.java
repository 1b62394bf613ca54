package dev.registryoperator.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.common.Conditions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Status from what was observed: when a maintenance window counts as in effect. Pure. */
class RegistryStatusesTest {
  private static final Instant NOW = Instant.parse("2026-11-24T03:00:05Z");
  private static final MaintenanceRequest READ_ONLY =
      new MaintenanceRequest(
          "GcSchedule/nightly", "run-1", MaintenanceMode.ReadOnly, "2026-11-24T03:00:00Z");
  private static final MaintenanceRequest ZERO =
      new MaintenanceRequest(
          "GcSchedule/nightly", "run-1", MaintenanceMode.ScaleToZero, "2026-11-24T03:00:00Z");

  private static Deployment deployment(
      Registry registry, ServingMode mode, long generation, Long observed, Integer updated) {
    Deployment d =
        RegistryDeployment.desired(registry, new RegistryDeployment.Inputs(mode, "abc", null));
    d.getMetadata().setGeneration(generation);
    d.setStatus(
        new DeploymentStatusBuilder()
            .withObservedGeneration(observed)
            .withUpdatedReplicas(updated)
            .build());
    return d;
  }

  private static Pod readyPodOf(Deployment d, String name) {
    var t = d.getSpec().getTemplate();
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(t.getMetadata().getLabels())
        .withAnnotations(t.getMetadata().getAnnotations())
        .endMetadata()
        .withSpec(t.getSpec())
        .withNewStatus()
        .withPhase("Running")
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  private static RegistryStatus observe(
      Registry registry, ServingMode mode, Deployment d, List<Pod> pods) {
    return RegistryStatuses.observed(
        registry,
        mode,
        PodCensus.of(pods, d == null ? null : RegistryDeployment.templateHash(d)),
        d,
        Optional.empty(),
        NOW);
  }

  @Test
  void aReadOnlyWindowIsInEffectOnlyOnceTheDeploymentControllerHasCaughtUp() {
    Registry registry = Registries.withPvc("images", "1Gi");
    registry.getSpec().setReplicas(2);
    ServingMode mode = ServingMode.of(registry.getSpec(), Optional.of(READ_ONLY));
    Deployment seen = deployment(registry, mode, 3, 3L, 2);
    List<Pod> pods = List.of(readyPodOf(seen, "a"), readyPodOf(seen, "b"));
    assertThat(observe(registry, mode, seen, pods).getMaintenance().getInEffect()).isTrue();

    // the controller has not yet observed the latest generation: it may still create an old pod
    RegistryStatus lagging = observe(registry, mode, deployment(registry, mode, 4, 3L, 2), pods);
    assertThat(lagging.getMaintenance().getInEffect()).isFalse();
    assertThat(Conditions.find(lagging.getConditions(), "Maintenance").orElseThrow().getReason())
        .isEqualTo("MaintenancePending");
    assertThat(
            observe(registry, mode, deployment(registry, mode, 3, 3L, 1), pods)
                .getMaintenance()
                .getInEffect())
        .as("updatedReplicas behind")
        .isFalse();
    assertThat(
            observe(registry, mode, deployment(registry, mode, 3, null, null), pods)
                .getMaintenance()
                .getInEffect())
        .as("no status yet")
        .isFalse();
  }

  @Test
  void aScaleToZeroWindowNeedsTheControllerToHaveSeenTheZero() {
    Registry registry = Registries.withPvc("images", "1Gi");
    ServingMode mode = ServingMode.of(registry.getSpec(), Optional.of(ZERO));
    // the API server omits zero counts: updatedReplicas absent means 0
    assertThat(
            observe(registry, mode, deployment(registry, mode, 2, 2L, null), List.of())
                .getMaintenance()
                .getInEffect())
        .isTrue();
    assertThat(
            observe(registry, mode, deployment(registry, mode, 2, 1L, null), List.of())
                .getMaintenance()
                .getInEffect())
        .isFalse();
    // a Deployment not in the cache yet (just created, or just written) proves nothing: its
    // controller may still create pods of an older generation (GcTortureTest found it)
    assertThat(observe(registry, mode, null, List.of()).getMaintenance().getInEffect()).isFalse();
  }
}
