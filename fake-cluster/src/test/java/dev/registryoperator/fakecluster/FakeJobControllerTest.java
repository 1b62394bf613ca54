package dev.registryoperator.fakecluster;

import static dev.registryoperator.fakecluster.FakeObjects.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeJobControllerTest {
  private static final String REPORT = "{\"blobsDeleted\":3,\"bytesFreed\":4096}";

  private MockApiServer api;
  private KubernetesClient client;
  private FakeCluster cluster;

  private void start(UnaryOperator<FakeCluster.Builder> settings) {
    api = MockApiServer.start();
    client = api.client();
    cluster = settings.apply(FakeCluster.builder(api.newClient()).namespace(NS)).start();
  }

  @AfterEach
  void stop() {
    List<Throwable> errors = cluster.errors();
    cluster.close();
    api.close();
    assertThat(errors).isEmpty();
  }

  @Test
  void jobCompletesWithTheTerminationMessage() {
    start(b -> b.jobBehaviour(job -> JobBehaviour.Run.exit(0, REPORT, Duration.ofMillis(200))));
    client.resource(FakeObjects.job("gc-1")).create();

    JobStatus status = awaitCondition("gc-1", "Complete");
    assertThat(status.getSucceeded()).isEqualTo(1);
    assertThat(status.getActive()).isNull();
    assertThat(status.getStartTime()).isNotNull();
    assertThat(status.getCompletionTime()).isNotNull();
    assertThat(condition(status, "SuccessCriteriaMet")).isNotNull();

    Pod pod = cluster.podsOfJob(NS, "gc-1").get(0);
    Job job = client.batch().v1().jobs().inNamespace(NS).withName("gc-1").get();
    assertThat(pod.getMetadata().getName()).matches("gc-1-[a-z0-9]{5}");
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("job-name", "gc-1")
        .containsEntry("batch.kubernetes.io/job-name", "gc-1")
        .containsEntry("controller-uid", job.getMetadata().getUid())
        .containsEntry("app.kubernetes.io/component", "gc");
    assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
    ContainerStateTerminated t =
        pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
    assertThat(t.getExitCode()).isZero();
    assertThat(t.getReason()).isEqualTo("Completed");
    assertThat(t.getMessage()).isEqualTo(REPORT);
    EventLog log = cluster.log();
    assertThat(log.linesFor("Job", "gc-1"))
        .containsSubsequence(
            "job gc-1 created",
            "job gc-1 pod started",
            "job gc-1 pod terminated exit=0",
            "job gc-1 complete");
  }

  @Test
  void failingPodFailsTheJobWithBackoffLimitZero() {
    start(b -> b.jobBehaviour(JobBehaviour.exit(1, "{\"error\":\"mark failed\"}")));
    client.resource(FakeObjects.job("gc-1")).create();

    JobStatus status = awaitCondition("gc-1", "Failed");
    assertThat(condition(status, "Failed").getReason()).isEqualTo("BackoffLimitExceeded");
    assertThat(status.getFailed()).isEqualTo(1);
    assertThat(cluster.podsOfJob(NS, "gc-1"))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getStatus().getPhase()).isEqualTo("Failed");
              assertThat(
                      p.getStatus()
                          .getContainerStatuses()
                          .get(0)
                          .getState()
                          .getTerminated()
                          .getMessage())
                  .isEqualTo("{\"error\":\"mark failed\"}");
            });
  }

  @Test
  void deadlineStopsThePodThenFailsTheJob() {
    start(b -> b.jobBehaviour(JobBehaviour.hang()));
    client
        .resource(
            new JobBuilder(FakeObjects.job("gc-1"))
                .editSpec()
                .withActiveDeadlineSeconds(1L)
                .endSpec()
                .build())
        .create();
    await().until(() -> cluster.log().contains("job gc-1 pod started"));
    String pod = cluster.podsOfJob(NS, "gc-1").get(0).getMetadata().getName();

    await().until(() -> cluster.log().contains("job gc-1 deadline exceeded"));
    await()
        .until(() -> cluster.podsOfJob(NS, "gc-1").stream().anyMatch(FakeCluster::isTerminating));
    JobStatus during =
        client.batch().v1().jobs().inNamespace(NS).withName("gc-1").get().getStatus();
    assertThat(condition(during, "FailureTarget").getReason()).isEqualTo("DeadlineExceeded");
    assertThat(condition(during, "Failed")).isNull();

    JobStatus status = awaitCondition("gc-1", "Failed");
    assertThat(condition(status, "Failed").getReason()).isEqualTo("DeadlineExceeded");
    assertThat(cluster.log().linesFor("Job", "gc-1"))
        .containsSubsequence(
            "job gc-1 deadline exceeded",
            "pod " + pod + " terminating",
            "pod " + pod + " stopped exit=143",
            "pod " + pod + " gone",
            "job gc-1 failed reason=DeadlineExceeded");
  }

  @Test
  void legacyConditionsFailTheJobWhileItsPodIsStillTerminating() {
    start(b -> b.jobBehaviour(JobBehaviour.hang()).legacyJobConditions(true));
    client
        .resource(
            new JobBuilder(FakeObjects.job("gc-1"))
                .editSpec()
                .withActiveDeadlineSeconds(1L)
                .endSpec()
                .build())
        .create();

    awaitCondition("gc-1", "Failed");
    await().until(() -> cluster.log().indexOfFirstMatch("pod gc-1-.* gone") >= 0);
    assertThat(cluster.log().indexOf("job gc-1 failed reason=DeadlineExceeded"))
        .isLessThan(cluster.log().indexOfFirstMatch("pod gc-1-.* gone"));
  }

  @Test
  void deletedJobsPodTerminatesThenDisappears() {
    start(b -> b.jobBehaviour(JobBehaviour.hang()));
    client.resource(FakeObjects.job("gc-1")).create();
    await().until(() -> cluster.log().contains("job gc-1 pod started"));
    String pod = cluster.podsOfJob(NS, "gc-1").get(0).getMetadata().getName();

    client.batch().v1().jobs().inNamespace(NS).withName("gc-1").delete();

    await()
        .until(() -> cluster.podsOfJob(NS, "gc-1").stream().anyMatch(FakeCluster::isTerminating));
    // The API shows the pod gone a moment before the fake has logged it: await the log line.
    await().until(() -> cluster.log().contains("pod " + pod + " gone"));
    assertThat(cluster.podsOfJob(NS, "gc-1")).isEmpty();
    assertThat(cluster.log().lines())
        .containsSubsequence(
            "job gc-1 deleted",
            "pod " + pod + " deleted by gc",
            "pod " + pod + " terminating",
            "pod " + pod + " gone");
  }

  @Test
  void aJobDeletedInTheForegroundStaysUntilItsPodIsGoneAndStartsNoOther() {
    start(b -> b.jobBehaviour(JobBehaviour.hang()));
    client.resource(FakeObjects.job("gc-1")).create();
    await().until(() -> cluster.log().contains("job gc-1 pod started"));
    String pod = cluster.podsOfJob(NS, "gc-1").get(0).getMetadata().getName();

    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withName("gc-1")
        .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.FOREGROUND)
        .delete();

    // as on kube-apiserver: the Job is marked, not gone, while its pod may still run
    Job marked = client.batch().v1().jobs().inNamespace(NS).withName("gc-1").get();
    assertThat(marked.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(marked.getMetadata().getFinalizers())
        .contains(CrudApiDispatcher.FOREGROUND_FINALIZER);
    await().until(() -> cluster.log().contains("pod " + pod + " gone"));
    await().until(() -> client.batch().v1().jobs().inNamespace(NS).withName("gc-1").get() == null);
    assertThat(cluster.log().lines())
        .containsSubsequence(
            "pod " + pod + " deleted by gc",
            "pod " + pod + " gone",
            "job gc-1 foreground deletion: dependents gone",
            "job gc-1 deleted");
    // the marked Job never got a second pod
    assertThat(cluster.log().linesMatching("pod gc-1-.* created.*")).hasSize(1);
  }

  @Test
  void podAffinityWaitsForAMatchingPodAndJoinsItsNode() {
    start(b -> b);
    Job job =
        new JobBuilder(FakeObjects.job("gc-1"))
            .editSpec()
            .editTemplate()
            .editSpec()
            .withNewAffinity()
            .withNewPodAffinity()
            .addNewRequiredDuringSchedulingIgnoredDuringExecution()
            .withTopologyKey("kubernetes.io/hostname")
            .withNewLabelSelector()
            .withMatchLabels(Map.of("app.kubernetes.io/instance", "r"))
            .endLabelSelector()
            .endRequiredDuringSchedulingIgnoredDuringExecution()
            .endPodAffinity()
            .endAffinity()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    client.resource(job).create();

    await()
        .until(
            () ->
                cluster.podsOfJob(NS, "gc-1").stream()
                    .anyMatch(p -> "Unschedulable".equals(scheduled(p).getReason())));
    Pod pending = cluster.podsOfJob(NS, "gc-1").get(0);
    assertThat(pending.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(scheduled(pending).getStatus()).isEqualTo("False");
    assertThat(pending.getSpec().getNodeName()).isNull();

    client.resource(FakeObjects.deployment("r", 1, "Recreate")).create();

    awaitCondition("gc-1", "Complete");
    String registryNode = cluster.podsOfDeployment(NS, "r").get(0).getSpec().getNodeName();
    assertThat(cluster.podsOfJob(NS, "gc-1").get(0).getSpec().getNodeName())
        .isEqualTo(registryNode);
  }

  private JobStatus awaitCondition(String name, String type) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              Job j = client.batch().v1().jobs().inNamespace(NS).withName(name).get();
              return j.getStatus() != null && condition(j.getStatus(), type) != null;
            });
    return client.batch().v1().jobs().inNamespace(NS).withName(name).get().getStatus();
  }

  private static JobCondition condition(JobStatus s, String type) {
    return s.getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  private static PodCondition scheduled(Pod p) {
    return p.getStatus() == null || p.getStatus().getConditions() == null
        ? new PodCondition()
        : p.getStatus().getConditions().stream()
            .filter(c -> "PodScheduled".equals(c.getType()))
            .findFirst()
            .orElse(new PodCondition());
  }
}
