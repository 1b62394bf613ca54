package dev.registryoperator.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Whatever changes what the owned objects are built from, or the objects, changes the string. */
class AppliedInputsTest {
  private final Registry registry = Registries.withPvc("images", "1Gi");
  private final Deployment deployment =
      new DeploymentBuilder()
          .withNewMetadata()
          .withName("images")
          .withGeneration(3L)
          .withResourceVersion("100")
          .endMetadata()
          .withNewStatus()
          .withReadyReplicas(1)
          .endStatus()
          .build();
  private final Secret config = secret("images-config", "7");
  private final Secret user = secret("htpasswd", "9");

  private static Secret secret(String name, String rv) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withResourceVersion(rv)
        .endMetadata()
        .build();
  }

  private String inputs(
      Registry r, ServingMode mode, Secret userSecret, Deployment d, List<HasMetadata> owned) {
    return AppliedInputs.of(r, mode, List.of(userSecret), d, owned);
  }

  private String base() {
    return inputs(registry, writable(), user, deployment, new ArrayList<>(List.of(config)));
  }

  private ServingMode writable() {
    return ServingMode.of(registry.getSpec(), Optional.empty());
  }

  private String withRegistry(Consumer<Registry> change) {
    Registry r = Serialization.clone(registry);
    change.accept(r);
    return inputs(r, writable(), user, deployment, List.of(config));
  }

  @Test
  void theSameInputsGiveTheSameString() {
    assertThat(base()).isEqualTo(base());
  }

  @Test
  void aDeploymentsStatusDoesNotCountItsGenerationAndMetadataDo() {
    Deployment statusChanged = Serialization.clone(deployment);
    statusChanged.getMetadata().setResourceVersion("101");
    statusChanged.getStatus().setReadyReplicas(0);
    assertThat(inputs(registry, writable(), user, statusChanged, List.of(config)))
        .isEqualTo(base());

    Deployment specChanged = Serialization.clone(deployment);
    specChanged.getMetadata().setGeneration(4L);
    assertThat(inputs(registry, writable(), user, specChanged, List.of(config)))
        .isNotEqualTo(base());

    Deployment relabelled = Serialization.clone(deployment);
    relabelled.getMetadata().setLabels(Map.of("app", "x"));
    assertThat(inputs(registry, writable(), user, relabelled, List.of(config)))
        .isNotEqualTo(base());

    assertThat(inputs(registry, writable(), user, null, List.of(config))).isNotEqualTo(base());
  }

  @Test
  void everyChangeOfTheRegistryTheModeTheSecretsOrAnOwnedObjectCounts() {
    assertThat(withRegistry(r -> r.getMetadata().setGeneration(2L))).isNotEqualTo(base());
    assertThat(
            withRegistry(
                r -> r.getMetadata().setAnnotations(Map.of(MaintenanceRequest.ANNOTATION, "{}"))))
        .isNotEqualTo(base());
    assertThat(withRegistry(r -> r.getMetadata().setLabels(Map.of("team", "a"))))
        .isNotEqualTo(base());
    assertThat(withRegistry(r -> r.getMetadata().setUid("other"))).isNotEqualTo(base());

    ServingMode readOnly =
        ServingMode.of(
            registry.getSpec(),
            Optional.of(
                new MaintenanceRequest("GcSchedule/nightly", "r1", MaintenanceMode.ReadOnly, "t")));
    assertThat(inputs(registry, readOnly, user, deployment, List.of(config))).isNotEqualTo(base());

    assertThat(inputs(registry, writable(), secret("htpasswd", "10"), deployment, List.of(config)))
        .isNotEqualTo(base());
    assertThat(
            inputs(registry, writable(), user, deployment, List.of(secret("images-config", "8"))))
        .isNotEqualTo(base());
    List<HasMetadata> gone = new ArrayList<>();
    gone.add(null);
    assertThat(inputs(registry, writable(), user, deployment, gone)).isNotEqualTo(base());
  }
}
