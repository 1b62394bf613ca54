package dev.registryoperator;

import static dev.registryoperator.OperatorHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.registryoperator.common.Conditions;
import dev.registryoperator.gc.GcSchedule;
import dev.registryoperator.registry.Registries;
import dev.registryoperator.registry.Registry;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.Optional;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Objects a real API server may hold after a CRD upgrade or downgrade (unknown fields, wrong types,
 * enum values this operator does not know): each is reported Ready=False InvalidSpec with a Warning
 * event naming the field, and the operator keeps reconciling everything else, also after a restart.
 */
class BadObjectsTest {
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

  private static ConditionFactory eventually() {
    return await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions();
  }

  private static final ResourceDefinitionContext REGISTRIES =
      new ResourceDefinitionContext.Builder()
          .withGroup(Registry.GROUP)
          .withVersion(Registry.VERSION)
          .withKind("Registry")
          .withPlural("registries")
          .withNamespaced(true)
          .build();
  private static final ResourceDefinitionContext SCHEDULES =
      new ResourceDefinitionContext.Builder()
          .withGroup(Registry.GROUP)
          .withVersion(Registry.VERSION)
          .withKind("GcSchedule")
          .withPlural("gcschedules")
          .withNamespaced(true)
          .build();

  /** As kubectl apply of a YAML this operator version does not fully understand. */
  private void createRaw(ResourceDefinitionContext kind, String name, String specJson) {
    String json =
        "{\"apiVersion\":\""
            + Registry.GROUP
            + "/"
            + Registry.VERSION
            + "\",\"kind\":\""
            + kind.getKind()
            + "\",\"metadata\":{\"name\":\""
            + name
            + "\",\"namespace\":\""
            + NAMESPACE
            + "\"},\"spec\":"
            + specJson
            + "}";
    GenericKubernetesResource resource =
        Serialization.unmarshal(json, GenericKubernetesResource.class);
    client.genericKubernetesResources(kind).inNamespace(NAMESPACE).resource(resource).create();
  }

  private Optional<Condition> rawReady(ResourceDefinitionContext kind, String name) {
    GenericKubernetesResource r =
        client.genericKubernetesResources(kind).inNamespace(NAMESPACE).withName(name).get();
    Object status = r.getAdditionalProperties().get("status");
    if (status == null) {
      return Optional.empty();
    }
    Condition[] conditions =
        Serialization.unmarshal(
            Serialization.asJson(((java.util.Map<?, ?>) status).get("conditions")),
            Condition[].class);
    return Conditions.find(java.util.List.of(conditions), "Ready");
  }

  private void awaitInvalid(ResourceDefinitionContext kind, String name, String... messageParts) {
    eventually()
        .untilAsserted(
            () -> {
              Condition ready = rawReady(kind, name).orElseThrow();
              assertThat(ready.getStatus()).isEqualTo("False");
              assertThat(ready.getReason()).isEqualTo("InvalidSpec");
              assertThat(ready.getMessage()).contains(messageParts);
              assertThat(harness.eventsFor(kind.getKind(), name))
                  .anySatisfy(
                      e -> {
                        assertThat(e.getType()).isEqualTo("Warning");
                        assertThat(e.getReason()).isEqualTo("InvalidSpec");
                        assertThat(e.getMessage()).contains(messageParts);
                      });
            });
  }

  private void awaitReady(String name) {
    eventually()
        .untilAsserted(
            () -> {
              Registry r =
                  client.resources(Registry.class).inNamespace(NAMESPACE).withName(name).get();
              assertThat(Conditions.find(r.getStatus().getConditions(), "Ready"))
                  .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
            });
  }

  private void createGood(String name) {
    Registry registry = Registries.withPvc(name, "1Gi");
    registry.getMetadata().setUid(null);
    registry.getMetadata().setGeneration(null);
    client.resource((HasMetadata) registry).create();
  }

  private void createBadObjects() {
    createRaw(
        REGISTRIES, "unknown-field", "{\"storage\":{\"pvc\":{\"size\":\"1Gi\"}},\"replicaz\":2}");
    createRaw(
        REGISTRIES,
        "wrong-type",
        "{\"storage\":{\"pvc\":{\"size\":\"1Gi\"}},\"replicas\":\"many\"}");
    createRaw(
        REGISTRIES,
        "unknown-enum",
        "{\"storage\":{\"pvc\":{\"size\":\"1Gi\"}},\"imagePullPolicy\":\"Sometimes\"}");
    createRaw(
        SCHEDULES, "sideways", "{\"registryRef\":{\"name\":\"images\"},\"mode\":\"Sideways\"}");
    createRaw(
        SCHEDULES,
        "string-schedule",
        "{\"registryRef\":{\"name\":\"images\"},\"schedule\":\"61 * * * *\"}");
    createRaw(SCHEDULES, "string-ref", "{\"registryRef\":\"images\"}");
  }

  private void assertBadObjectsReported() {
    awaitInvalid(REGISTRIES, "wrong-type", "spec.replicas", "many");
    awaitInvalid(REGISTRIES, "unknown-enum", "spec.imagePullPolicy", "Sometimes");
    awaitInvalid(SCHEDULES, "sideways", "spec.mode", "Sideways");
    awaitInvalid(SCHEDULES, "string-schedule", "spec.schedule", "expected an object", "61 * * * *");
    awaitInvalid(SCHEDULES, "string-ref", "spec.registryRef", "expected an object");
  }

  @Test
  void badObjectsAreReportedInvalidAndAGoodRegistryCreatedAfterThemBecomesReady() {
    createBadObjects();
    createGood("images");

    awaitReady("images");
    assertBadObjectsReported();
    // An unknown field alone is tolerated: the rest of the spec is valid.
    awaitReady("unknown-field");

    // A schedule that cannot be read is never acted on: a requested run starts nothing.
    client
        .genericKubernetesResources(SCHEDULES)
        .inNamespace(NAMESPACE)
        .withName("sideways")
        .edit(
            g -> {
              g.getMetadata()
                  .setAnnotations(
                      java.util.Map.of(GcSchedule.RUN_REQUESTED_AT, "2026-01-01T00:00:00Z"));
              return g;
            });
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems())
                  .isEmpty();
              assertThat(
                      client
                          .resources(Registry.class)
                          .inNamespace(NAMESPACE)
                          .withName("images")
                          .get()
                          .getMetadata()
                          .getAnnotations())
                  .doesNotContainKey(dev.registryoperator.registry.MaintenanceRequest.ANNOTATION);
            });
  }

  @Test
  void anOperatorRestartedWithBadObjectsPresentStartsAndReconciles() {
    createBadObjects();
    assertBadObjectsReported();
    harness.stopOperator();

    harness.startOperator();
    createGood("after-restart");

    awaitReady("after-restart");
    assertBadObjectsReported();
  }

  @Test
  void namesAClusterCannotUseAreReportedInsteadOfFailingOnEveryReconcile() {
    String longName = "a".repeat(64);
    createGood(longName);
    createRaw(SCHEDULES, "nightly.images", "{\"registryRef\":{\"name\":\"images\"}}");
    createGood("images");

    awaitInvalid(REGISTRIES, longName, "metadata.name", "63");
    awaitInvalid(SCHEDULES, "nightly.images", "metadata.name", "DNS-1123 label");
    awaitReady("images");
    assertThat(client.apps().deployments().inNamespace(NAMESPACE).withName(longName).get())
        .isNull();
  }
}
