package dev.registryoperator.fakecluster;

import static dev.registryoperator.fakecluster.FakeObjects.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pins down what the Fabric8 CRUD mock (7.5.2) does, which {@link FakeCluster} relies on. */
class MockApiServerBehaviourTest {
  private MockApiServer api;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    api = MockApiServer.start();
    client = api.client();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void generationStartsAtOneAndCountsSpecChangesOnly() {
    Deployment d = client.resource(FakeObjects.deployment("r", 1, "RollingUpdate")).create();
    assertThat(d.getMetadata().getGeneration()).isEqualTo(1L);
    var ops = client.apps().deployments().inNamespace(NS).withName("r");
    assertThat(
            ops.edit(
                    x -> {
                      x.getSpec().setReplicas(2);
                      return x;
                    })
                .getMetadata()
                .getGeneration())
        .isEqualTo(2L);
    assertThat(
            ops.edit(
                    x -> {
                      x.getMetadata().getLabels().put("x", "y");
                      return x;
                    })
                .getMetadata()
                .getGeneration())
        .isEqualTo(2L);
    Deployment s = ops.get();
    s.setStatus(new DeploymentStatusBuilder().withReplicas(2).build());
    assertThat(client.resource(s).updateStatus().getMetadata().getGeneration()).isEqualTo(2L);
  }

  @Test
  void plainUpdateOfBuiltInKindReplacesItsStatus() {
    Deployment d = client.resource(FakeObjects.deployment("r", 1, "RollingUpdate")).create();
    d.setStatus(new DeploymentStatusBuilder().withReplicas(1).build());
    client.resource(d).updateStatus();
    Deployment updated = client.resource(FakeObjects.deployment("r", 2, "RollingUpdate")).update();
    assertThat(updated.getStatus()).isNull(); // a real API server would keep the status
  }

  @Test
  void finalizerKeepsDeletedPodListedUntilRemoved() {
    List<String> events = new CopyOnWriteArrayList<>();
    client
        .pods()
        .inNamespace(NS)
        .watch(
            new Watcher<Pod>() {
              @Override
              public void eventReceived(Action action, Pod pod) {
                events.add(action + " " + (pod.getMetadata().getDeletionTimestamp() != null));
              }

              @Override
              public void onClose(WatcherException cause) {}
            });
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("p")
            .withNamespace(NS)
            .withLabels(Map.of("app", "x"))
            .withFinalizers(FakeCluster.KUBELET_FINALIZER)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("c")
            .withImage("i")
            .endContainer()
            .endSpec()
            .build();
    client.resource(pod).create();
    var ops = client.pods().inNamespace(NS).withName("p");
    ops.delete();
    Pod terminating = ops.get();
    assertThat(terminating.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(client.pods().inNamespace(NS).withLabel("app", "x").list().getItems()).hasSize(1);
    ops.delete(); // a second delete changes nothing
    assertThat(ops.get().getMetadata().getResourceVersion())
        .isEqualTo(terminating.getMetadata().getResourceVersion());
    ops.edit(
        p -> {
          p.getMetadata().setFinalizers(List.of());
          return p;
        });
    assertThat(ops.get()).isNull();
    await().until(() -> events.size() == 3);
    assertThat(events).containsExactly("ADDED false", "MODIFIED true", "DELETED true");
  }

  /**
   * As kube-apiserver: a watch from a list's resourceVersion first gets every change made after
   * that list, deletions included. The mock alone sends ADDED for what exists when the watch opens,
   * so an informer that starts (a new leader) or reconnects while an object is deleted keeps that
   * object in its cache for good: the torture test saw a registry pod that was gone still counted
   * as terminating.
   */
  @Test
  void aWatchFromAListsResourceVersionGetsEveryChangeAfterItDeletionsIncluded() {
    client.resource(pod("kept")).create();
    client.resource(pod("gone")).create();
    String listed = client.pods().inNamespace(NS).list().getMetadata().getResourceVersion();
    client.pods().inNamespace(NS).withName("gone").delete();
    client.resource(pod("new")).create();
    client
        .pods()
        .inNamespace(NS)
        .withName("kept")
        .edit(
            p -> {
              p.getMetadata().getLabels().put("seen", "yes");
              return p;
            });

    List<String> events = new CopyOnWriteArrayList<>();
    client
        .pods()
        .inNamespace(NS)
        .watch(
            new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                .withResourceVersion(listed)
                .build(),
            recorder(events));
    await().until(() -> events.size() == 3);
    assertThat(events).containsExactly("DELETED gone", "ADDED new", "MODIFIED kept");

    client.pods().inNamespace(NS).withName("new").delete();
    await().until(() -> events.size() == 4);
    assertThat(events.get(3)).isEqualTo("DELETED new");
  }

  @Test
  void aWatchFromAResourceVersionNoLongerKeptIsRefusedWith410SoTheInformerListsAgain() {
    client.resource(pod("p")).create();
    String listed = client.pods().inNamespace(NS).list().getMetadata().getResourceVersion();
    for (int i = 0; i < CrudApiDispatcher.KEPT_CHANGES + 1; i++) {
      client.resource(pod("c" + i)).create();
    }
    List<Integer> closed = new CopyOnWriteArrayList<>();
    client
        .pods()
        .inNamespace(NS)
        .watch(
            new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                .withResourceVersion(listed)
                .build(),
            new Watcher<Pod>() {
              @Override
              public void eventReceived(Action action, Pod pod) {}

              @Override
              public void onClose(WatcherException cause) {
                closed.add(cause.asClientException().getCode());
              }
            });
    await().until(() -> !closed.isEmpty());
    assertThat(closed).containsExactly(410);
  }

  private static Watcher<Pod> recorder(List<String> events) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        events.add(action + " " + pod.getMetadata().getName());
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }

  private static Pod pod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .withLabels(new java.util.HashMap<>(Map.of("app", "x")))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage("i")
        .endContainer()
        .endSpec()
        .build();
  }

  @Test
  void jsonPatchWhoseTestFailsIsRefusedWith422AndChangesNothing() {
    var created =
        client
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("c")
                    .withNamespace(NS)
                    .endMetadata()
                    .addToData("k", "v")
                    .build())
            .create();
    var ops = client.configMaps().inNamespace(NS).withName("c");
    String stale =
        "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"0\"},"
            + "{\"op\":\"replace\",\"path\":\"/data/k\",\"value\":\"w\"}]";
    assertThatThrownBy(() -> ops.patch(PatchContext.of(PatchType.JSON), stale))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
    assertThat(ops.get().getData()).containsEntry("k", "v");
    String fresh = stale.replace("\"0\"", "\"" + created.getMetadata().getResourceVersion() + "\"");
    assertThat(ops.patch(PatchContext.of(PatchType.JSON), fresh).getData()).containsEntry("k", "w");
  }

  @Test
  void withoutFinalizerDeleteIsImmediateAndOwnersDoNotCascade() {
    var owner =
        client
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("owner")
                    .withNamespace(NS)
                    .endMetadata()
                    .build())
            .create();
    client
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("p")
                .withNamespace(NS)
                .addNewOwnerReference()
                .withApiVersion("v1")
                .withKind("ConfigMap")
                .withName("owner")
                .withUid(owner.getMetadata().getUid())
                .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .endSpec()
                .build())
        .create();
    client
        .resource(owner)
        .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.FOREGROUND)
        .delete();
    assertThat(client.configMaps().inNamespace(NS).withName("owner").get()).isNull();
    assertThat(client.pods().inNamespace(NS).withName("p").get()).isNotNull();
  }
}
