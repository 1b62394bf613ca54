package dev.registryoperator.fakecluster;

import static dev.registryoperator.fakecluster.FakeObjects.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeDeploymentControllerTest {
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
  void twoReplicasGetTwoReadyPodsAndStatus() {
    client.resource(FakeObjects.deployment("r", 2, "RollingUpdate")).create();

    DeploymentStatus status = awaitComplete("r", 1L);
    assertThat(status.getReplicas()).isEqualTo(2);
    assertThat(status.getUpdatedReplicas()).isEqualTo(2);
    assertThat(status.getReadyReplicas()).isEqualTo(2);
    assertThat(status.getAvailableReplicas()).isEqualTo(2);
    assertThat(condition(status, "Available").getStatus()).isEqualTo("True");
    assertThat(condition(status, "Progressing").getReason()).isEqualTo("NewReplicaSetAvailable");

    List<Pod> pods = cluster.podsOfDeployment(NS, "r");
    assertThat(pods)
        .hasSize(2)
        .allSatisfy(
            p -> {
              String hash = p.getMetadata().getLabels().get("pod-template-hash");
              assertThat(p.getMetadata().getName()).matches("r-" + hash + "-[a-z0-9]{5}");
              assertThat(p.getMetadata().getLabels())
                  .containsEntry("app.kubernetes.io/instance", "r");
              assertThat(p.getMetadata().getOwnerReferences().get(0).getKind())
                  .isEqualTo("Deployment");
              assertThat(p.getMetadata().getOwnerReferences().get(0).getController()).isTrue();
              assertThat(p.getSpec().getNodeName()).startsWith("node-");
              assertThat(p.getStatus().getPhase()).isEqualTo("Running");
              assertThat(FakeCluster.isReady(p)).isTrue();
              assertThat(p.getStatus().getContainerStatuses().get(0).getReady()).isTrue();
              String n = p.getMetadata().getName();
              EventLog log = cluster.log();
              assertThat(log.indexOf("pod " + n + " created"))
                  .isLessThan(log.indexOfFirstMatch("pod " + n + " scheduled node=.*"));
              assertThat(log.indexOfFirstMatch("pod " + n + " scheduled node=.*"))
                  .isLessThan(log.indexOf("pod " + n + " running"));
              assertThat(log.indexOf("pod " + n + " running"))
                  .isLessThan(log.indexOf("pod " + n + " ready"));
            });
  }

  @Test
  void rollingUpdateSurgesOneReadyPodBeforeEachDeletion() {
    client.resource(FakeObjects.deployment("r", 2, "RollingUpdate")).create();
    awaitComplete("r", 1L);
    long rolloutStart = cluster.log().events().size();

    changeTemplate("r");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> cluster.podsOfDeployment(NS, "r").stream().anyMatch(FakeCluster::isTerminating));
    Pod terminating =
        cluster.podsOfDeployment(NS, "r").stream()
            .filter(FakeCluster::isTerminating)
            .findFirst()
            .orElseThrow();
    assertThat(terminating.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/instance", "r");
    awaitComplete("r", 2L);
    await().until(() -> cluster.log().linesMatching("pod r-.* gone").size() == 2);
    assertThat(cluster.podsOfDeployment(NS, "r")).hasSize(2);

    // Replay the log: never more than 3 active pods; from the template change on, never fewer
    // than 2 ready ones.
    Set<String> active = new HashSet<>();
    Set<String> ready = new HashSet<>();
    int maxActive = 0;
    int minReadyAfterStart = Integer.MAX_VALUE;
    for (ClusterEvent e : cluster.log().events()) {
      if (!e.kind().equals("pod") || !"Deployment/r".equals(e.owner())) {
        continue;
      }
      switch (e.what()) {
        case "created" -> active.add(e.name());
        case "ready" -> ready.add(e.name());
        case "terminating" -> {
          active.remove(e.name());
          ready.remove(e.name());
        }
        default -> {}
      }
      maxActive = Math.max(maxActive, active.size());
      if (e.seq() > rolloutStart) {
        minReadyAfterStart = Math.min(minReadyAfterStart, ready.size());
      }
    }
    assertThat(maxActive).as(cluster.log().dump()).isEqualTo(3);
    assertThat(minReadyAfterStart).as(cluster.log().dump()).isEqualTo(2);
    assertThat(cluster.log().linesMatching("pod r-.* terminating")).hasSize(2);
  }

  @Test
  void recreateRemovesAllOldPodsBeforeCreatingNewOnes() {
    client.resource(FakeObjects.deployment("r", 2, "Recreate")).create();
    awaitComplete("r", 1L);
    List<String> oldPods =
        cluster.podsOfDeployment(NS, "r").stream().map(p -> p.getMetadata().getName()).toList();

    changeTemplate("r");

    await()
        .until(
            () ->
                cluster.podsOfDeployment(NS, "r").stream()
                        .filter(FakeCluster::isTerminating)
                        .count()
                    == 2);
    awaitComplete("r", 2L);
    EventLog log = cluster.log();
    int lastOldGone =
        oldPods.stream().mapToInt(n -> log.indexOf("pod " + n + " gone")).max().orElseThrow();
    int firstNewCreated =
        log.lines().stream()
            .filter(l -> l.matches("pod r-.* created") && oldPods.stream().noneMatch(l::contains))
            .mapToInt(log::indexOf)
            .min()
            .orElseThrow();
    assertThat(lastOldGone).as(log.dump()).isPositive().isLessThan(firstNewCreated);
  }

  @Test
  void scaleToZeroTerminatesEveryPod() {
    client.resource(FakeObjects.deployment("r", 2, "RollingUpdate")).create();
    awaitComplete("r", 1L);

    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("r")
        .edit(
            d -> {
              d.getSpec().setReplicas(0);
              return d;
            });

    await()
        .until(
            () -> cluster.podsOfDeployment(NS, "r").stream().allMatch(FakeCluster::isTerminating));
    DeploymentStatus status = awaitComplete("r", 2L);
    assertThat(status.getReplicas()).isNull();
    assertThat(status.getReadyReplicas()).isNull();
    await().until(() -> cluster.log().linesMatching("pod r-.* gone").size() == 2);
    assertThat(cluster.podsOfDeployment(NS, "r")).isEmpty();
  }

  private void changeTemplate(String name) {
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName(name)
        .edit(
            d -> {
              d.getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .getEnv()
                  .get(0)
                  .setValue("read-only");
              return d;
            });
  }

  private DeploymentStatus awaitComplete(String name, long generation) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              Deployment d = client.apps().deployments().inNamespace(NS).withName(name).get();
              DeploymentStatus s = d.getStatus();
              return s != null
                  && Long.valueOf(generation).equals(s.getObservedGeneration())
                  && condition(s, "Progressing") != null
                  && "NewReplicaSetAvailable".equals(condition(s, "Progressing").getReason());
            });
    return client.apps().deployments().inNamespace(NS).withName(name).get().getStatus();
  }

  private static DeploymentCondition condition(DeploymentStatus s, String type) {
    return s.getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }
}
