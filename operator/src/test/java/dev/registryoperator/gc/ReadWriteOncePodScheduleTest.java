package dev.registryoperator.gc;

import static dev.registryoperator.OperatorHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.registryoperator.OperatorHarness;
import dev.registryoperator.common.Conditions;
import dev.registryoperator.registry.MaintenanceMode;
import dev.registryoperator.registry.MaintenanceRequest;
import dev.registryoperator.registry.PvcStorageSpec;
import dev.registryoperator.registry.Registries;
import dev.registryoperator.registry.Registry;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A Registry on a ReadWriteOncePod claim: only ScaleToZero runs are accepted, the others are refused at validation. */
class ReadWriteOncePodScheduleTest {
  private OperatorHarness harness;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    harness = OperatorHarness.start();
    client = harness.client();
  }

  @AfterEach
  void stop() {
    harness.cluster().errors().forEach(Throwable::printStackTrace);
    assertThat(harness.cluster().errors()).isEmpty();
    harness.close();
  }

  private Condition ready(String schedule) {
    return Conditions.find(client.resources(GcSchedule.class).inNamespace(NAMESPACE).withName(schedule).get().getStatus().getConditions(), "Ready").orElseThrow();
  }

  @Test
  void aReadOnlyScheduleForAReadWriteOncePodRegistryIsRefusedAndStartsNoRun() {
    Registry registry = Registries.withPvc("images", "1Gi");
    registry.getMetadata().setUid(null);
    registry.getMetadata().setGeneration(null);
    registry.getSpec().getStorage().getPvc().setAccessModes(List.of(PvcStorageSpec.AccessMode.ReadWriteOncePod));
    client.resource(registry).create();
    GcSchedule schedule = new GcSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName("nightly").withNamespace(NAMESPACE)
        .withAnnotations(Map.of(GcSchedule.RUN_REQUESTED_AT, "2026-01-01T00:00:00Z")).build());
    schedule.setSpec(new GcScheduleSpec());
    schedule.getSpec().setRegistryRef(new GcScheduleSpec.RegistryRef("images"));
    client.resource(schedule).create();

    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
      assertThat(ready("nightly").getStatus()).isEqualTo("False");
      assertThat(ready("nightly").getReason()).isEqualTo("InvalidSpec");
      assertThat(ready("nightly").getMessage()).contains("ReadWriteOncePod").contains("use mode: ScaleToZero");
      assertThat(harness.eventsFor("GcSchedule", "nightly")).anySatisfy(e -> {
        assertThat(e.getType()).isEqualTo("Warning");
        assertThat(e.getReason()).isEqualTo("InvalidSpec");
      });
    });
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
      assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems()).isEmpty();
      assertThat(client.resources(Registry.class).inNamespace(NAMESPACE).withName("images").get().getMetadata().getAnnotations())
          .doesNotContainKey(MaintenanceRequest.ANNOTATION);
    });

    client.resources(GcSchedule.class).inNamespace(NAMESPACE).withName("nightly").edit(s -> {
      s.getSpec().setMode(MaintenanceMode.ScaleToZero);
      return s;
    });
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> assertThat(ready("nightly").getStatus()).isEqualTo("True"));
  }
}
