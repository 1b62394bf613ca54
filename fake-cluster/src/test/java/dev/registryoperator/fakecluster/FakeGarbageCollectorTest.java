package dev.registryoperator.fakecluster;

import static dev.registryoperator.fakecluster.FakeObjects.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeGarbageCollectorTest {
  private static final ResourceDefinitionContext REGISTRY =
      new ResourceDefinitionContext.Builder()
          .withGroup("registry.operator.dev")
          .withVersion("v1alpha1")
          .withKind("Registry")
          .withPlural("registries")
          .withNamespaced(true)
          .build();

  private MockApiServer api;
  private KubernetesClient client;
  private FakeCluster cluster;

  @BeforeEach
  void start() {
    api = MockApiServer.start();
    client = api.client();
    cluster = FakeCluster.builder(api.newClient()).namespace(NS).start();
  }

  @AfterEach
  void stop() {
    List<Throwable> errors = cluster.errors();
    cluster.close();
    api.close();
    assertThat(errors).isEmpty();
  }

  @Test
  void deletingACustomResourceCascadesToItsDependentsAndTheirPods() {
    GenericKubernetesResource r = registry("r");
    GenericKubernetesResource other = registry("other");
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("r-config")
                .withNamespace(NS)
                .withOwnerReferences(ref(r))
                .endMetadata()
                .build())
        .create();
    client
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("r")
                .withNamespace(NS)
                .withOwnerReferences(ref(r))
                .endMetadata()
                .withNewSpec()
                .endSpec()
                .build())
        .create();
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("other-secret")
                .withNamespace(NS)
                .withOwnerReferences(ref(other))
                .endMetadata()
                .build())
        .create();
    client
        .resource(
            new DeploymentBuilder(FakeObjects.deployment("r", 2, "RollingUpdate"))
                .editMetadata()
                .withOwnerReferences(ref(r))
                .endMetadata()
                .build())
        .create();
    await().until(() -> cluster.log().linesMatching("pod r-.* ready").size() == 2);

    client.genericKubernetesResources(REGISTRY).inNamespace(NS).withName("r").delete();

    await().until(() -> cluster.log().linesMatching("pod r-.* gone").size() == 2);
    assertThat(client.configMaps().inNamespace(NS).withName("r-config").get()).isNull();
    assertThat(client.services().inNamespace(NS).withName("r").get()).isNull();
    assertThat(client.apps().deployments().inNamespace(NS).withName("r").get()).isNull();
    assertThat(client.secrets().inNamespace(NS).withName("other-secret").get()).isNotNull();
    EventLog log = cluster.log();
    assertThat(log.lines()).contains("configmap r-config deleted by gc", "service r deleted by gc");
    assertThat(log.indexOf("deployment r deleted by gc"))
        .isLessThan(log.indexOfFirstMatch("pod r-.* deleted by gc"));
    assertThat(log.indexOfFirstMatch("pod r-.* terminating"))
        .isLessThan(log.indexOfFirstMatch("pod r-.* gone"));
  }

  private GenericKubernetesResource registry(String name) {
    return client
        .genericKubernetesResources(REGISTRY)
        .resource(
            new GenericKubernetesResourceBuilder()
                .withApiVersion("registry.operator.dev/v1alpha1")
                .withKind("Registry")
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .build())
        .create();
  }

  private static OwnerReference ref(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .build();
  }
}
