package dev.registryoperator.registry;

import static dev.registryoperator.OperatorHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.registryoperator.OperatorHarness;
import dev.registryoperator.common.Conditions;
import dev.registryoperator.common.Labels;
import dev.registryoperator.fakecluster.FakeCluster;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Registry reconciler on the CRUD mock, with fake controllers and kubelet. */
class RegistryReconcilerTest {
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

  private Registry create(Registry registry) {
    registry.getMetadata().setUid(null);
    registry.getMetadata().setGeneration(null);
    registry.getMetadata().setNamespace(NAMESPACE);
    return client.resource(registry).create();
  }

  private Registry get(String name) {
    return client.resources(Registry.class).inNamespace(NAMESPACE).withName(name).get();
  }

  private Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(NAMESPACE).withName(name).get();
  }

  private List<Pod> livePods(String name) {
    return harness.cluster().podsOfDeployment(NAMESPACE, name).stream()
        .filter(p -> !FakeCluster.isTerminating(p))
        .toList();
  }

  private Condition ready(String name) {
    Registry r = get(name);
    return r == null || r.getStatus() == null
        ? null
        : Conditions.find(r.getStatus().getConditions(), "Ready").orElse(null);
  }

  private void awaitReady(String name, int pods) {
    eventually()
        .untilAsserted(
            () -> {
              Registry r = get(name);
              assertThat(r.getStatus()).isNotNull();
              assertThat(ready(name).getStatus())
                  .as(
                      () ->
                          io.fabric8.kubernetes.client.utils.Serialization.asYaml(
                                  get(name).getStatus())
                              + harness.cluster().log().dump())
                  .isEqualTo("True");
              assertThat(r.getStatus().getReadyReplicas()).isEqualTo(pods);
              assertThat(r.getStatus().getObservedGeneration())
                  .isEqualTo(r.getMetadata().getGeneration());
            });
  }

  private void secret(String name, Map<String, String> data) {
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NAMESPACE)
                .endMetadata()
                .withStringData(data)
                .build())
        .create();
  }

  @Test
  void aRegistryBecomesConfiguredStorageDeploymentAndServiceAndReportsReady() {
    create(Registries.withPvc("images", "10Gi"));

    awaitReady("images", 1);
    Registry registry = get("images");
    assertThat(registry.getStatus().getPhase()).isEqualTo("Ready");
    assertThat(registry.getStatus().getReplicasSummary()).isEqualTo("1/1");
    assertThat(registry.getStatus().getEndpoint()).isEqualTo("images.team-a.svc:5000");
    assertThat(ready("images").getReason()).isEqualTo("Available");
    assertThat(Conditions.find(registry.getStatus().getConditions(), "Progressing"))
        .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("RolloutComplete"));
    assertThat(registry.getMetadata().getFinalizers()).isNotEmpty();

    String uid = registry.getMetadata().getUid();
    Deployment deployment = deployment("images");
    assertThat(deployment.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(uid));
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry(Labels.READ_ONLY, "false");
    Service service = client.services().inNamespace(NAMESPACE).withName("images").get();
    assertThat(service.getSpec().getPorts().get(0).getPort()).isEqualTo(5000);
    assertThat(service.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(uid));
    Secret config = client.secrets().inNamespace(NAMESPACE).withName("images-config").get();
    String yaml = RegistrySecrets.text(config, "config.yml");
    assertThat(yaml).contains("rootdirectory: /var/lib/registry").doesNotContain("readonly");
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .extracting(e -> e.getName())
        .doesNotContain(RegistryDeployment.READ_ONLY_ENV);
    assertThat(client.secrets().inNamespace(NAMESPACE).withName("images-http-secret").get())
        .isNotNull();
    PersistentVolumeClaim claim =
        client.persistentVolumeClaims().inNamespace(NAMESPACE).withName("images-data").get();
    assertThat(claim.getSpec().getResources().getRequests().get("storage").toString())
        .isEqualTo("10Gi");
    assertThat(claim.getMetadata().getOwnerReferences())
        .as("retained by default: no owner")
        .isEmpty();
    assertThat(harness.eventsFor("Registry", "images"))
        .anySatisfy(
            e -> {
              assertThat(e.getType()).isEqualTo("Normal");
              assertThat(e.getReason()).isEqualTo("Available");
            });
  }

  @Test
  void scalingChangingTheImageAndTheConfigRollThePods() {
    create(Registries.withPvc("images", "1Gi"));
    awaitReady("images", 1);
    Set<String> before =
        livePods("images").stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());

    client
        .resources(Registry.class)
        .inNamespace(NAMESPACE)
        .withName("images")
        .edit(
            r -> {
              r.getSpec().setReplicas(3);
              return r;
            });
    awaitReady("images", 3);
    assertThat(livePods("images")).hasSize(3);

    client
        .resources(Registry.class)
        .inNamespace(NAMESPACE)
        .withName("images")
        .edit(
            r -> {
              r.getSpec().setConfig(Map.of("log", Map.of("level", "debug")));
              return r;
            });
    // while it rolls, status says so
    eventually()
        .untilAsserted(
            () -> assertThat(get("images").getStatus().getPhase()).isEqualTo("Progressing"));
    awaitReady("images", 3);
    Set<String> afterConfig =
        livePods("images").stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
    assertThat(afterConfig).hasSize(3).doesNotContainAnyElementsOf(before);
    assertThat(
            RegistrySecrets.text(
                client.secrets().inNamespace(NAMESPACE).withName("images-config").get(),
                "config.yml"))
        .contains("level: debug");

    client
        .resources(Registry.class)
        .inNamespace(NAMESPACE)
        .withName("images")
        .edit(
            r -> {
              r.getSpec().setImage("example.org/registry:3.0.1");
              return r;
            });
    awaitReady("images", 3);
    eventually()
        .untilAsserted(
            () ->
                assertThat(livePods("images"))
                    .hasSize(3)
                    .allSatisfy(
                        p ->
                            assertThat(p.getSpec().getContainers().get(0).getImage())
                                .isEqualTo("example.org/registry:3.0.1")));
    assertThat(harness.cluster().log().linesMatching("deployment images rollout started.*"))
        .as("one rollout for the config, one for the image")
        .hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void driftMadeByHandIsReverted() {
    create(Registries.withPvc("images", "1Gi"));
    awaitReady("images", 1);

    // as kubectl edit: read, change, write, and again when the operator wrote in between (409)
    editDeployment(
        "images",
        d -> {
          d.getSpec().setReplicas(5);
          d.getSpec()
              .getTemplate()
              .getSpec()
              .getContainers()
              .get(0)
              .setImage("evil.example/registry:latest");
          return d;
        });
    eventually()
        .until(
            () -> {
              client
                  .services()
                  .inNamespace(NAMESPACE)
                  .withName("images")
                  .edit(
                      s -> {
                        s.getSpec().getPorts().get(0).setPort(8080);
                        return s;
                      });
              return true;
            });

    eventually()
        .untilAsserted(
            () -> {
              Deployment d = deployment("images");
              assertThat(d.getSpec().getReplicas()).isEqualTo(1);
              assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                  .isEqualTo(RegistrySpec.DEFAULT_IMAGE);
              assertThat(
                      client
                          .services()
                          .inNamespace(NAMESPACE)
                          .withName("images")
                          .get()
                          .getSpec()
                          .getPorts()
                          .get(0)
                          .getPort())
                  .isEqualTo(5000);
            });
    awaitReady("images", 1);
  }

  private void assertRefused(String name, String reason, String messagePart) {
    eventually()
        .untilAsserted(
            () -> {
              Condition c = ready(name);
              assertThat(c).isNotNull();
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo(reason);
              assertThat(c.getMessage()).contains(messagePart);
              assertThat(get(name).getStatus().getPhase()).isEqualTo("Failed");
              assertThat(harness.eventsFor("Registry", name))
                  .anySatisfy(
                      e -> {
                        assertThat(e.getType()).isEqualTo("Warning");
                        assertThat(e.getReason()).isEqualTo(reason);
                      });
            });
  }

  @Test
  void eachClassOfInvalidSpecIsReportedAndCreatesNothing() {
    Registry both = Registries.withPvc("both", "1Gi");
    both.getSpec().getStorage().setS3(Registries.withS3("x").getSpec().getStorage().getS3());
    create(both);
    Registry owned = Registries.withPvc("owned", "1Gi");
    owned.getSpec().setConfig(Map.of("storage", Map.of("delete", Map.of("enabled", false))));
    create(owned);
    Registry negative = Registries.withPvc("negative", "1Gi");
    negative.getSpec().setReplicas(-2);
    create(negative);
    create(Registries.withAuthAndTls("nosecret"));

    assertRefused("both", "InvalidSpec", "exactly one of spec.storage.pvc or spec.storage.s3");
    assertRefused("owned", "OwnedConfigKey", "spec.config sets storage");
    assertRefused("negative", "InvalidSpec", "spec.replicas must be 0 or more");
    assertRefused(
        "nosecret",
        "SecretMissing",
        "Secret 'registry-users' (spec.auth.htpasswd.secretRef) not found");

    for (String name : List.of("both", "owned", "negative", "nosecret")) {
      assertThat(deployment(name)).isNull();
      assertThat(client.services().inNamespace(NAMESPACE).withName(name).get()).isNull();
      assertThat(client.secrets().inNamespace(NAMESPACE).withName(name + "-config").get()).isNull();
      assertThat(
              client.persistentVolumeClaims().inNamespace(NAMESPACE).withName(name + "-data").get())
          .isNull();
    }
    // the operator keeps running: a valid registry next to them still converges
    create(Registries.withPvc("fine", "1Gi"));
    awaitReady("fine", 1);
  }

  @Test
  void aBadEditToARunningRegistryChangesNothingAndTheFixConverges() {
    create(Registries.withPvc("images", "1Gi"));
    awaitReady("images", 1);
    Deployment before = deployment("images");

    client
        .resources(Registry.class)
        .inNamespace(NAMESPACE)
        .withName("images")
        .edit(
            r -> {
              r.getSpec().setConfig(Map.of("http", Map.of("addr", ":80")));
              r.getSpec().setReplicas(4);
              return r;
            });
    assertRefused("images", "OwnedConfigKey", "http.addr");
    Deployment during = deployment("images");
    assertThat(during.getSpec()).isEqualTo(before.getSpec());

    client
        .resources(Registry.class)
        .inNamespace(NAMESPACE)
        .withName("images")
        .edit(
            r -> {
              r.getSpec().setConfig(null);
              return r;
            });
    awaitReady("images", 4);
  }

  @Test
  void aMissingSecretCreatedLaterConvergesWithoutAnyOtherChange() {
    create(Registries.withAuthAndTls("secure"));
    assertRefused("secure", "SecretMissing", "registry-users");

    secret(
        "registry-users",
        Map.of("htpasswd", "alice:$2y$05$abcdefghijklmnopqrstuu3tq7oTyZp5bGgDbUVTQtKMtXDy6Smyi\n"));
    assertRefused("secure", "SecretMissing", "Secret 'registry-tls' (spec.tls.secretRef)");

    secret("registry-tls", Map.of("tls.crt", "CERT"));
    assertRefused("secure", "SecretInvalid", "has no key 'tls.key'");

    client
        .secrets()
        .inNamespace(NAMESPACE)
        .withName("registry-tls")
        .edit(
            s -> {
              s.setStringData(Map.of("tls.crt", "CERT", "tls.key", "KEY"));
              return s;
            });
    awaitReady("secure", 1);
    var pod = deployment("secure").getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getName()).isEqualTo("tls"));
    String checksum =
        deployment("secure")
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getAnnotations()
            .get(RegistryDeployment.CONFIG_CHECKSUM);

    // a rotated certificate rolls the pods
    client
        .secrets()
        .inNamespace(NAMESPACE)
        .withName("registry-tls")
        .edit(
            s -> {
              s.setData(null);
              s.setStringData(Map.of("tls.crt", "CERT2", "tls.key", "KEY2"));
              return s;
            });
    eventually()
        .untilAsserted(
            () ->
                assertThat(
                        deployment("secure")
                            .getSpec()
                            .getTemplate()
                            .getMetadata()
                            .getAnnotations()
                            .get(RegistryDeployment.CONFIG_CHECKSUM))
                    .isNotEqualTo(checksum));
    awaitReady("secure", 1);
  }

  @Test
  void deletionRemovesWhatItOwnsAndKeepsTheDataUnlessAsked() {
    create(Registries.withPvc("kept", "1Gi"));
    Registry disposable = Registries.withPvc("gone", "1Gi");
    disposable.getSpec().getStorage().getPvc().setRetainOnDelete(false);
    create(disposable);
    awaitReady("kept", 1);
    awaitReady("gone", 1);
    assertThat(
            client
                .persistentVolumeClaims()
                .inNamespace(NAMESPACE)
                .withName("gone-data")
                .get()
                .getMetadata()
                .getOwnerReferences())
        .hasSize(1);

    client.resources(Registry.class).inNamespace(NAMESPACE).withName("kept").delete();
    client.resources(Registry.class).inNamespace(NAMESPACE).withName("gone").delete();

    eventually()
        .untilAsserted(
            () -> {
              for (String name : List.of("kept", "gone")) {
                assertThat(get(name)).isNull();
                assertThat(deployment(name)).isNull();
                assertThat(client.services().inNamespace(NAMESPACE).withName(name).get()).isNull();
                assertThat(client.secrets().inNamespace(NAMESPACE).withName(name + "-config").get())
                    .isNull();
                assertThat(
                        client
                            .secrets()
                            .inNamespace(NAMESPACE)
                            .withName(name + "-http-secret")
                            .get())
                    .isNull();
                assertThat(harness.cluster().podsOfDeployment(NAMESPACE, name)).isEmpty();
              }
              PersistentVolumeClaim kept =
                  client
                      .persistentVolumeClaims()
                      .inNamespace(NAMESPACE)
                      .withName("kept-data")
                      .get();
              assertThat(kept).isNotNull();
              assertThat(kept.getMetadata().getOwnerReferences()).isEmpty();
              assertThat(
                      client
                          .persistentVolumeClaims()
                          .inNamespace(NAMESPACE)
                          .withName("gone-data")
                          .get())
                  .isNull();
            });
  }

  @Test
  void maintenanceReadOnlyIsAppliedByRollingAndReportedInEffect() {
    Registry registry = Registries.withPvc("images", "1Gi");
    registry.getSpec().setReplicas(2);
    create(registry);
    awaitReady("images", 2);

    // a GcSchedule no longer exists for this holder, so use a holder the test controls: a
    // GcSchedule object that exists, as the lock's owner
    client
        .genericKubernetesResources("registry.operator.dev/v1alpha1", "GcSchedule")
        .inNamespace(NAMESPACE)
        .resource(
            new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
                .withApiVersion("registry.operator.dev/v1alpha1")
                .withKind("GcSchedule")
                .withNewMetadata()
                .withName("holder")
                .withNamespace(NAMESPACE)
                .endMetadata()
                .addToAdditionalProperties("spec", Map.of("registryRef", Map.of("name", "other")))
                .build())
        .create();
    String configVersion =
        client
            .secrets()
            .inNamespace(NAMESPACE)
            .withName("images-config")
            .get()
            .getMetadata()
            .getResourceVersion();
    client
        .resources(Registry.class)
        .inNamespace(NAMESPACE)
        .withName("images")
        .edit(
            r -> {
              r.getMetadata()
                  .getAnnotations()
                  .put(
                      MaintenanceRequest.ANNOTATION,
                      new MaintenanceRequest(
                              "GcSchedule/holder",
                              "r1",
                              MaintenanceMode.ReadOnly,
                              "2026-11-24T03:00:00Z")
                          .toJson());
              return r;
            });

    eventually()
        .untilAsserted(
            () -> {
              Registry r = get("images");
              assertThat(r.getStatus().getMaintenance()).isNotNull();
              assertThat(r.getStatus().getMaintenance().getInEffect()).isTrue();
              assertThat(r.getStatus().getPhase()).isEqualTo("Maintenance");
              assertThat(ready("images").getReason()).isEqualTo("AvailableReadOnly");
            });
    // in effect means proven by pods: none writable, terminating ones included; each pod's own
    // container spec says read-only (the label is only for people)
    assertThat(harness.cluster().podsOfDeployment(NAMESPACE, "images"))
        .hasSize(2)
        .allSatisfy(
            p -> assertThat(p.getMetadata().getLabels()).containsEntry(Labels.READ_ONLY, "true"))
        .allSatisfy(
            p ->
                assertThat(p.getSpec().getContainers().get(0).getEnv())
                    .contains(
                        new io.fabric8.kubernetes.api.model.EnvVar(
                            RegistryDeployment.READ_ONLY_ENV, "{\"enabled\":true}", null)));
    assertThat(
            client
                .secrets()
                .inNamespace(NAMESPACE)
                .withName("images-config")
                .get()
                .getMetadata()
                .getResourceVersion())
        .as("a window never rewrites the config Secret that running pods read")
        .isEqualTo(configVersion);
    Deployment inWindow = deployment("images");
    assertThat(inWindow.getStatus().getObservedGeneration())
        .isEqualTo(inWindow.getMetadata().getGeneration());
    assertThat(inWindow.getStatus().getUpdatedReplicas()).isEqualTo(2);
    assertThat(get("images").getSpec().getReadOnly()).as("the spec is the user's").isNull();

    // the holder disappears without releasing (force-deleted): the lock is dropped, service
    // restored
    client
        .genericKubernetesResources("registry.operator.dev/v1alpha1", "GcSchedule")
        .inNamespace(NAMESPACE)
        .withName("holder")
        .delete();
    eventually()
        .until(
            () ->
                client
                        .genericKubernetesResources("registry.operator.dev/v1alpha1", "GcSchedule")
                        .inNamespace(NAMESPACE)
                        .withName("holder")
                        .get()
                    == null);
    client
        .resources(Registry.class)
        .inNamespace(NAMESPACE)
        .withName("images")
        .edit(
            r -> {
              r.getMetadata().getLabels().put("poke", "1");
              return r;
            });
    eventually()
        .untilAsserted(
            () -> {
              Registry r = get("images");
              assertThat(r.getMetadata().getAnnotations())
                  .doesNotContainKey(MaintenanceRequest.ANNOTATION);
              assertThat(r.getStatus().getMaintenance()).isNull();
              assertThat(ready("images").getReason()).isEqualTo("Available");
            });
    assertThat(harness.eventsFor("Registry", "images"))
        .extracting(Event::getReason)
        .contains("StaleMaintenanceReleased");
  }

  @Test
  void aRestartedOperatorAdoptsWhatExistsWithoutRollingIt() {
    create(Registries.withPvc("images", "1Gi"));
    awaitReady("images", 1);
    Set<String> pods =
        livePods("images").stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
    // the spec's generation, not the resourceVersion: the Deployment controller writes its status
    // whenever it likes, in a real cluster as here
    Long generation = deployment("images").getMetadata().getGeneration();

    harness.stopOperator();
    harness.startOperator();

    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(deployment("images").getMetadata().getGeneration())
                    .isEqualTo(generation));
    assertThat(
            livePods("images").stream()
                .map(p -> p.getMetadata().getName())
                .collect(Collectors.toSet()))
        .isEqualTo(pods);
    awaitReady("images", 1);
  }

  private Pod gcPod(String name, String registry, String kind, String maintenance) {
    Map<String, String> labels =
        new java.util.LinkedHashMap<>(Labels.forInstance(registry, Labels.COMPONENT_GC));
    labels.put(Labels.GC_KIND, kind);
    labels.put("registry.operator.dev/gc-schedule", "nightly");
    if (maintenance != null) {
      labels.put(Labels.GC_MAINTENANCE, maintenance);
    }
    // no kubelet finalizer: the fake kubelet leaves it alone, so it stays live until the test ends
    // it;
    // a finalizer of the test's own keeps it listed while terminating
    return client
        .pods()
        .resource(
            new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NAMESPACE)
                .withLabels(labels)
                .withFinalizers("testing.registry-operator/hold")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("gc")
                .withImage("registry")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .endStatus()
                .build())
        .create();
  }

  private boolean servesReadOnly(String name) {
    return deployment(name)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .stream()
        .anyMatch(e -> RegistryDeployment.READ_ONLY_ENV.equals(e.getName()));
  }

  @Test
  void aLiveGcCollectPodKeepsTheRegistryInMaintenanceEvenWithoutALock() {
    Registry registry = Registries.withPvc("images", "1Gi");
    registry.getSpec().setReplicas(2);
    create(registry);
    awaitReady("images", 2);

    // previews and dry runs only read: they never hold the registry
    gcPod("images-preview", "images", Labels.GC_KIND_PREVIEW, null);
    gcPod("images-dry", "images", Labels.GC_KIND_DRY_RUN, null);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .untilAsserted(() -> assertThat(servesReadOnly("images")).isFalse());

    // a collect pod whose run lost its lock (the Registry was replaced, or re-created with the same
    // name)
    gcPod("images-gc-collect", "images", Labels.GC_KIND_COLLECT, "ReadOnly");
    eventually()
        .untilAsserted(
            () -> {
              Registry r = get("images");
              assertThat(r.getMetadata().getAnnotations())
                  .doesNotContainKey(MaintenanceRequest.ANNOTATION);
              assertThat(servesReadOnly("images")).isTrue();
              Condition maintenance =
                  Conditions.find(r.getStatus().getConditions(), "Maintenance").orElseThrow();
              assertThat(maintenance.getStatus()).isEqualTo("True");
              assertThat(maintenance.getReason()).isEqualTo("GcPodRunning");
              assertThat(maintenance.getMessage()).contains("images-gc-collect");
              assertThat(r.getStatus().getMaintenance().getMode()).isEqualTo("ReadOnly");
              assertThat(r.getStatus().getMaintenance().getInEffect()).isTrue();
              assertThat(livePods("images"))
                  .hasSize(2)
                  .allSatisfy(p -> assertThat(PodCensus.servesReadOnly(p)).isTrue());
            });
    // said once, not at every reconcile
    client
        .resources(Registry.class)
        .inNamespace(NAMESPACE)
        .withName("images")
        .edit(
            r -> {
              r.getMetadata().getLabels().put("poke", "1");
              return r;
            });
    await()
        .pollDelay(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .untilAsserted(
            () ->
                assertThat(harness.eventsFor("Registry", "images"))
                    .filteredOn(e -> "GcPodRunning".equals(e.getReason()))
                    .singleElement()
                    .satisfies(
                        e -> {
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getCount()).isEqualTo(1);
                          assertThat(e.getMessage()).contains("images-gc-collect");
                        }));

    // a terminating GC pod may still run: still read-only
    client.pods().inNamespace(NAMESPACE).withName("images-gc-collect").delete();
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .untilAsserted(() -> assertThat(servesReadOnly("images")).isTrue());

    // a ScaleToZero collect pod holds the registry at zero
    gcPod("images-gc-zero", "images", Labels.GC_KIND_COLLECT, "ScaleToZero");
    eventually()
        .untilAsserted(
            () -> {
              assertThat(deployment("images").getSpec().getReplicas()).isZero();
              assertThat(harness.cluster().podsOfDeployment(NAMESPACE, "images")).isEmpty();
              assertThat(get("images").getStatus().getMaintenance().getInEffect()).isTrue();
            });

    // once its container has terminated, a pod no longer counts; once gone, neither
    client
        .pods()
        .inNamespace(NAMESPACE)
        .withName("images-gc-zero")
        .editStatus(
            p -> {
              p.getStatus().setPhase("Succeeded");
              return p;
            });
    client
        .pods()
        .inNamespace(NAMESPACE)
        .withName("images-gc-collect")
        .edit(
            p -> {
              p.getMetadata().setFinalizers(List.of());
              return p;
            });
    awaitReady("images", 2);
    eventually()
        .untilAsserted(
            () -> {
              assertThat(servesReadOnly("images")).isFalse();
              assertThat(get("images").getStatus().getMaintenance()).isNull();
              assertThat(ready("images").getReason()).isEqualTo("Available");
            });
  }

  private void holder(String name) {
    client
        .genericKubernetesResources("registry.operator.dev/v1alpha1", "GcSchedule")
        .inNamespace(NAMESPACE)
        .resource(
            new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
                .withApiVersion("registry.operator.dev/v1alpha1")
                .withKind("GcSchedule")
                .withNewMetadata()
                .withName(name)
                .withNamespace(NAMESPACE)
                .endMetadata()
                .addToAdditionalProperties("spec", Map.of("registryRef", Map.of("name", "other")))
                .build())
        .create();
  }

  private void lock(String name, MaintenanceMode mode) {
    client
        .resources(Registry.class)
        .inNamespace(NAMESPACE)
        .withName(name)
        .edit(
            r -> {
              r.getMetadata()
                  .getAnnotations()
                  .put(
                      MaintenanceRequest.ANNOTATION,
                      new MaintenanceRequest(
                              "GcSchedule/holder", "r1", mode, "2026-11-24T03:00:00Z")
                          .toJson());
              return r;
            });
  }

  private void unlock(String name) {
    client
        .resources(Registry.class)
        .inNamespace(NAMESPACE)
        .withName(name)
        .edit(
            r -> {
              r.getMetadata().getAnnotations().remove(MaintenanceRequest.ANNOTATION);
              return r;
            });
  }

  /**
   * Found by the torture test: a run's Job was deleted (background propagation, kubectl's default,
   * so the Job went first) and its lock removed, while its pod, 56 ms old, was not in the
   * operator's pod cache yet: the window was released beside a running GC pod (I2). Before a
   * release the collect pods are now read from the API. The pod here lacks the managed-by label, so
   * the cache (which selects on it) never sees it: only the API does.
   */
  @Test
  void aCollectPodTheCacheHasNotSeenStillKeepsTheWindowWhenTheLockGoes() {
    Registry registry = Registries.withPvc("images", "1Gi");
    registry.getSpec().setReplicas(2);
    create(registry);
    awaitReady("images", 2);
    holder("holder");
    lock("images", MaintenanceMode.ReadOnly);
    eventually().untilAsserted(() -> assertThat(servesReadOnly("images")).isTrue());
    Pod collector = gcPod("images-unseen-collect", "images", Labels.GC_KIND_COLLECT, "ReadOnly");
    client
        .pods()
        .inNamespace(NAMESPACE)
        .withName(collector.getMetadata().getName())
        .edit(
            p -> {
              p.getMetadata().getLabels().remove(Labels.MANAGED_BY);
              return p;
            });

    unlock("images");
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .untilAsserted(() -> assertThat(servesReadOnly("images")).isTrue());

    client
        .pods()
        .inNamespace(NAMESPACE)
        .withName(collector.getMetadata().getName())
        .editStatus(
            p -> {
              p.getStatus().setPhase("Succeeded");
              return p;
            });
    client
        .resources(Registry.class)
        .inNamespace(NAMESPACE)
        .withName("images")
        .edit(
            r -> {
              r.getMetadata().getLabels().put("poke", "1");
              return r;
            });
    eventually().untilAsserted(() -> assertThat(servesReadOnly("images")).isFalse());
  }

  @Test
  void aWindowIsReleasedFromTheLastAppliedDeploymentWhileTheSpecIsInvalid() {
    Registry registry = Registries.withPvc("images", "1Gi");
    registry.getSpec().setReplicas(2);
    create(registry);
    awaitReady("images", 2);
    holder("holder");
    lock("images", MaintenanceMode.ReadOnly);
    eventually()
        .untilAsserted(
            () -> assertThat(get("images").getStatus().getMaintenance().getInEffect()).isTrue());

    // the spec turns invalid mid-window: the window stays as it is (never writable while
    // collecting)
    client
        .resources(Registry.class)
        .inNamespace(NAMESPACE)
        .withName("images")
        .edit(
            r -> {
              r.getSpec().setReplicas(-1);
              return r;
            });
    assertRefused("images", "InvalidSpec", "spec.replicas must be 0 or more");
    assertThat(servesReadOnly("images")).isTrue();
    assertThat(get("images").getStatus().getMaintenance().getInEffect()).isTrue();

    // the run releases its lock: service comes back from the last applied state, the spec still
    // invalid
    unlock("images");
    eventually()
        .untilAsserted(
            () -> {
              Deployment d = deployment("images");
              assertThat(servesReadOnly("images")).isFalse();
              assertThat(d.getSpec().getReplicas()).isEqualTo(2);
              assertThat(livePods("images"))
                  .hasSize(2)
                  .allSatisfy(p -> assertThat(PodCensus.servesReadOnly(p)).isFalse());
              Registry r = get("images");
              assertThat(r.getStatus().getMaintenance()).as("no window claimed").isNull();
              assertThat(
                      Conditions.find(r.getStatus().getConditions(), "Maintenance")
                          .orElseThrow()
                          .getReason())
                  .isEqualTo("NoMaintenance");
              assertThat(ready("images").getReason()).isEqualTo("InvalidSpec");
            });

    // ScaleToZero with another kind of invalid spec (both storages): taken and given back all the
    // same
    client
        .resources(Registry.class)
        .inNamespace(NAMESPACE)
        .withName("images")
        .edit(
            r -> {
              r.getSpec().setReplicas(2);
              r.getSpec().getStorage().setS3(Registries.withS3("x").getSpec().getStorage().getS3());
              return r;
            });
    assertRefused("images", "InvalidSpec", "exactly one of spec.storage.pvc or spec.storage.s3");
    lock("images", MaintenanceMode.ScaleToZero);
    eventually()
        .untilAsserted(
            () -> {
              assertThat(deployment("images").getSpec().getReplicas()).isZero();
              assertThat(harness.cluster().podsOfDeployment(NAMESPACE, "images")).isEmpty();
              assertThat(get("images").getStatus().getMaintenance().getInEffect()).isTrue();
            });
    unlock("images");
    eventually()
        .untilAsserted(
            () -> {
              assertThat(deployment("images").getSpec().getReplicas()).isEqualTo(2);
              assertThat(livePods("images")).hasSize(2);
              assertThat(get("images").getStatus().getMaintenance()).isNull();
              assertThat(ready("images").getReason()).isEqualTo("InvalidSpec");
            });
  }

  @Test
  void theOperatorWatchesOnlyItsOwnSecretsAndReadsReferencedOnesByNameInTheirNamespace() {
    List<dev.registryoperator.fakecluster.CrudApiDispatcher.AdmissionRequest> requests =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    harness.stopOperator();
    Runnable recording =
        harness
            .api()
            .dispatcher()
            .admit(
                r -> {
                  requests.add(r);
                  return java.util.Optional.empty();
                });
    try {
      client
          .namespaces()
          .resource(
              new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                  .withNewMetadata()
                  .withName("kube-system")
                  .endMetadata()
                  .build())
          .create();
      client
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("sh.helm.release.v1.other.v1")
                  .withNamespace("kube-system")
                  .endMetadata()
                  .withStringData(Map.of("release", "not yours"))
                  .build())
          .create();
      harness.startOperator();
      secret(
          "registry-users",
          Map.of(
              "htpasswd", "alice:$2y$05$abcdefghijklmnopqrstuu3tq7oTyZp5bGgDbUVTQtKMtXDy6Smyi\n"));
      secret("registry-tls", Map.of("tls.crt", "CERT", "tls.key", "KEY"));
      create(Registries.withAuthAndTls("secure"));
      awaitReady("secure", 1);
    } finally {
      recording.run();
    }
    var operatorSecretRequests =
        requests.stream()
            .filter(r -> r.path().matches("/api/v1/(namespaces/[^/]+/)?secrets([/?].*)?"))
            .toList();
    String managedSelector =
        "labelSelector="
            + java.net.URLEncoder.encode(
                "app.kubernetes.io/managed-by=registry-operator",
                java.nio.charset.StandardCharsets.UTF_8);
    // lists and watches (collection requests) select only the operator's own Secrets
    assertThat(operatorSecretRequests)
        .filteredOn(
            r ->
                r.method().equals("GET")
                    && r.path().matches("/api/v1/(namespaces/[^/]+/)?secrets(\\?.*)?"))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.path()).as(r.toString()).contains(managedSelector));
    // a user's Secret is read by name, in the Registry's namespace
    assertThat(operatorSecretRequests)
        .anySatisfy(
            r -> {
              assertThat(r.method()).isEqualTo("GET");
              assertThat(r.path()).startsWith("/api/v1/namespaces/team-a/secrets/registry-tls");
            });
    // (the only request there is the test's own POST that created the Helm release Secret)
    assertThat(operatorSecretRequests)
        .filteredOn(r -> r.path().contains("kube-system"))
        .extracting(r -> r.method())
        .containsOnly("POST");
  }

  @Test
  void anHttpSecretCreatedMeanwhileIsKeptNotOverwritten() {
    // another operator replica (or a restore from backup) created it; this operator's cache has not
    // seen it
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("images-http-secret")
                .withNamespace(NAMESPACE)
                .endMetadata()
                .withStringData(Map.of("secret", "shared-by-every-replica"))
                .build())
        .create();
    create(Registries.withPvc("images", "1Gi"));
    awaitReady("images", 1);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .untilAsserted(
            () ->
                assertThat(
                        RegistrySecrets.text(
                            client
                                .secrets()
                                .inNamespace(NAMESPACE)
                                .withName("images-http-secret")
                                .get(),
                            "secret"))
                    .isEqualTo("shared-by-every-replica"));
  }

  @Test
  void quantitiesWrittenInAnotherFormAreNotRewrittenAtEveryReconcile() {
    Registry registry = Registries.withPvc("images", "1024Mi");
    registry
        .getSpec()
        .setResources(
            new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                .addToRequests("memory", new io.fabric8.kubernetes.api.model.Quantity("1024Mi"))
                .addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("0.5"))
                .build());
    create(registry);
    awaitReady("images", 1);
    // a real API server stores quantities in canonical form; store them so, as it would (and
    // write again on 409, as kubectl edit does, when the Deployment controller wrote in between)
    editDeployment(
        "images",
        d -> {
          var requests =
              d.getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .getResources()
                  .getRequests();
          requests.put("memory", new io.fabric8.kubernetes.api.model.Quantity("1Gi"));
          requests.put("cpu", new io.fabric8.kubernetes.api.model.Quantity("500m"));
          return d;
        });
    eventually()
        .until(
            () -> {
              client
                  .persistentVolumeClaims()
                  .inNamespace(NAMESPACE)
                  .withName("images-data")
                  .edit(
                      c -> {
                        c.getSpec()
                            .getResources()
                            .getRequests()
                            .put("storage", new io.fabric8.kubernetes.api.model.Quantity("1Gi"));
                        return c;
                      });
              return true;
            });
    // (the generation counts spec writes; the fake Deployment controller's status writes do not
    // count)
    Long deploymentGeneration = deployment("images").getMetadata().getGeneration();
    String claimVersion =
        client
            .persistentVolumeClaims()
            .inNamespace(NAMESPACE)
            .withName("images-data")
            .get()
            .getMetadata()
            .getResourceVersion();
    for (int i = 0; i < 3; i++) {
      int poke = i;
      eventually()
          .until(
              () ->
                  client
                          .resources(Registry.class)
                          .inNamespace(NAMESPACE)
                          .withName("images")
                          .edit(
                              r -> {
                                r.getMetadata().getLabels().put("poke", Integer.toString(poke));
                                return r;
                              })
                      != null);
    }
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(deployment("images").getMetadata().getGeneration())
                  .isEqualTo(deploymentGeneration);
              assertThat(
                      deployment("images")
                          .getSpec()
                          .getTemplate()
                          .getSpec()
                          .getContainers()
                          .get(0)
                          .getResources()
                          .getRequests()
                          .get("memory")
                          .toString())
                  .isEqualTo("1Gi");
              assertThat(
                      client
                          .persistentVolumeClaims()
                          .inNamespace(NAMESPACE)
                          .withName("images-data")
                          .get()
                          .getMetadata()
                          .getResourceVersion())
                  .isEqualTo(claimVersion);
            });
  }

  @Test
  void aRejectedClaimResizeIsReportedAndWindowsStillOpenAndClose() {
    Registry registry = Registries.withPvc("images", "1Gi");
    create(registry);
    awaitReady("images", 1);
    // like a StorageClass without allowVolumeExpansion, or a quota: the API refuses the claim
    // update
    String message =
        "persistentvolumeclaims \"images-data\" is forbidden: exceeded quota: storage, requested: requests.storage=4Gi, used: requests.storage=1Gi, limited: requests.storage=2Gi";
    harness
        .api()
        .dispatcher()
        .admit(
            r ->
                r.method().equals("PUT")
                        && r.path()
                            .startsWith(
                                "/api/v1/namespaces/team-a/persistentvolumeclaims/images-data")
                    ? java.util.Optional.of(
                        new dev.registryoperator.fakecluster.CrudApiDispatcher.Refusal(
                            403, "Forbidden", message))
                    : java.util.Optional.empty());
    client
        .resources(Registry.class)
        .inNamespace(NAMESPACE)
        .withName("images")
        .edit(
            r -> {
              r.getSpec().getStorage().getPvc().setSize("5Gi");
              r.getSpec().setReplicas(2);
              return r;
            });
    eventually()
        .untilAsserted(
            () -> {
              Registry r = get("images");
              Condition resize =
                  Conditions.find(r.getStatus().getConditions(), "StorageResizeFailure")
                      .orElseThrow();
              assertThat(resize.getStatus()).isEqualTo("True");
              assertThat(resize.getReason()).isEqualTo("StorageResizeRejected");
              assertThat(resize.getMessage()).contains("exceeded quota");
              assertThat(harness.eventsFor("Registry", "images"))
                  .anySatisfy(
                      e -> {
                        assertThat(e.getType()).isEqualTo("Warning");
                        assertThat(e.getReason()).isEqualTo("StorageResizeRejected");
                        assertThat(e.getMessage()).contains("exceeded quota");
                      });
            });
    // the rest is still reconciled: the new replica count, and a window opens and closes
    awaitReady("images", 2);
    holder("holder");
    lock("images", MaintenanceMode.ReadOnly);
    eventually()
        .untilAsserted(
            () -> assertThat(get("images").getStatus().getMaintenance().getInEffect()).isTrue());
    unlock("images");
    eventually()
        .untilAsserted(
            () -> {
              assertThat(servesReadOnly("images")).isFalse();
              assertThat(get("images").getStatus().getMaintenance()).isNull();
            });
    assertThat(
            client
                .persistentVolumeClaims()
                .inNamespace(NAMESPACE)
                .withName("images-data")
                .get()
                .getSpec()
                .getResources()
                .getRequests()
                .get("storage")
                .toString())
        .isEqualTo("1Gi");
  }

  /** As kubectl edit: read, change, write, and again when someone wrote in between (409). */
  private void editDeployment(String name, UnaryOperator<Deployment> change) {
    eventually()
        .until(
            () -> {
              client.apps().deployments().inNamespace(NAMESPACE).withName(name).edit(change);
              return true;
            });
  }
}
