package dev.registryoperator.gc;

import static dev.registryoperator.OperatorHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.registryoperator.OperatorHarness;
import dev.registryoperator.common.Conditions;
import dev.registryoperator.common.Labels;
import dev.registryoperator.fakecluster.EventLog;
import dev.registryoperator.fakecluster.FakeCluster;
import dev.registryoperator.fakecluster.JobBehaviour;
import dev.registryoperator.registry.MaintenanceRequest;
import dev.registryoperator.registry.Registries;
import dev.registryoperator.registry.Registry;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;

/**
 * A GC test cluster: the CRUD mock with fake controllers, scheduler and kubelet that behave like
 * the real ones (pods become ready after a delay, stay terminating for a while, roll one by one),
 * the operator, and helpers to create objects and wait for what a user would see.
 */
abstract class GcClusterTestBase {
  protected static final String REPORT =
      "{\"version\":1,\"result\":\"Succeeded\",\"exitCode\":0,\"message\":\"collected\",\"dryRun\":false,"
          + "\"eligibleBytes\":7340032,\"reclaimedBytes\":7340032,\"blobsDeleted\":12,\"manifestsDeleted\":2,\"blobsEligible\":12,\"blobsMarked\":30}";

  protected final AtomicReference<JobBehaviour> jobs =
      new AtomicReference<>(JobBehaviour.succeed(REPORT));
  protected final List<String> jobArgs = new CopyOnWriteArrayList<>();
  protected OperatorHarness harness;
  protected KubernetesClient client;

  protected void start(Clock clock, Consumer<FakeCluster.Builder> settings) {
    harness =
        OperatorHarness.start(
            clock,
            b -> {
              b.jobBehaviour(
                  job -> {
                    jobArgs.add(
                        job.getMetadata().getName()
                            + " "
                            + String.join(
                                " ",
                                job.getSpec()
                                    .getTemplate()
                                    .getSpec()
                                    .getContainers()
                                    .get(0)
                                    .getArgs()));
                    return jobs.get().run(job);
                  });
              settings.accept(b);
            });
    client = harness.client();
  }

  protected void start() {
    start(Clock.systemUTC(), b -> {});
  }

  @AfterEach
  protected void stop() {
    if (harness != null) {
      harness.cluster().errors().forEach(Throwable::printStackTrace);
      assertThat(harness.cluster().errors()).isEmpty();
      harness.close();
    }
  }

  protected static ConditionFactory eventually() {
    return await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions();
  }

  protected Registry registry(String name, int replicas) {
    Registry registry = Registries.withPvc(name, "1Gi");
    registry.getMetadata().setUid(null);
    registry.getMetadata().setGeneration(null);
    registry.getSpec().setReplicas(replicas);
    client.resource(registry).create();
    eventually().untilAsserted(() -> assertThat(readyReason(name)).isEqualTo("Available"));
    return getRegistry(name);
  }

  protected Registry getRegistry(String name) {
    return client.resources(Registry.class).inNamespace(NAMESPACE).withName(name).get();
  }

  protected String readyReason(String registry) {
    return Conditions.find(getRegistry(registry).getStatus().getConditions(), "Ready")
        .map(c -> c.getReason())
        .orElse(null);
  }

  protected GcSchedule schedule(String name, String registry, Consumer<GcScheduleSpec> spec) {
    GcSchedule schedule = new GcSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    GcScheduleSpec s = new GcScheduleSpec();
    s.setRegistryRef(new GcScheduleSpec.RegistryRef(registry));
    s.setQuiesceTimeout("20s");
    spec.accept(s);
    schedule.setSpec(s);
    return client.resource(schedule).create();
  }

  protected GcSchedule get(String name) {
    return client.resources(GcSchedule.class).inNamespace(NAMESPACE).withName(name).get();
  }

  /** As {@code kubectl annotate}: a merge patch, no resourceVersion. */
  protected void requestRun(String name, String at) {
    client
        .resources(GcSchedule.class)
        .inNamespace(NAMESPACE)
        .withName(name)
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\""
                + GcSchedule.RUN_REQUESTED_AT
                + "\":\""
                + at
                + "\"}}}");
  }

  protected GcRunRecord awaitFinished(String name, int runs) {
    return awaitFinished(name, runs, Duration.ofSeconds(30));
  }

  protected GcRunRecord awaitFinished(String name, int runs, Duration atMost) {
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              GcSchedule s = get(name);
              assertThat(s.getStatus().getHistory())
                  .as(() -> Serialization.asYaml(s.getStatus()) + harness.cluster().log().dump())
                  .hasSize(runs);
              assertThat(s.getStatus().getCurrentRun()).isNull();
            });
    return get(name).getStatus().getLastRun();
  }

  protected Set<String> podNames(String registry) {
    return harness.cluster().podsOfDeployment(NAMESPACE, registry).stream()
        .map(p -> p.getMetadata().getName())
        .collect(Collectors.toSet());
  }

  protected void awaitServing(String registry) {
    eventually()
        .untilAsserted(
            () -> {
              Registry r = getRegistry(registry);
              assertThat(r.getMetadata().getAnnotations())
                  .doesNotContainKey(MaintenanceRequest.ANNOTATION);
              assertThat(r.getStatus().getMaintenance()).isNull();
              assertThat(readyReason(registry)).isEqualTo("Available");
              assertThat(harness.cluster().podsOfDeployment(NAMESPACE, registry))
                  .allSatisfy(
                      p -> {
                        assertThat(p.getMetadata().getLabels())
                            .containsEntry(Labels.READ_ONLY, "false");
                        assertThat(FakeCluster.isTerminating(p)).isFalse();
                      });
            });
  }

  /** The order rules of a run, read from what the fake cluster saw. */
  protected void assertSafeOrder(EventLog log, Set<String> writablePods, String job) {
    int created = log.indexOf("job " + job + " created");
    assertThat(created).as(log.dump()).isGreaterThanOrEqualTo(0);
    for (String pod : writablePods) {
      assertThat(log.indexOf("pod " + pod + " gone"))
          .as("I2: writable pod %s gone before the Job\n%s", pod, log.dump())
          .isBetween(0, created);
    }
    int ended =
        Math.max(
            log.indexOfFirstMatch("job " + job + " pod terminated.*"),
            log.indexOfFirstMatch("pod " + job + "-.* gone"));
    int restoreRollout = -1;
    List<String> lines = log.lines();
    for (int i = created; i < lines.size(); i++) {
      if (lines.get(i).matches("deployment .* (rollout started|generation=).*")) {
        restoreRollout = i;
        break;
      }
    }
    assertThat(ended).as(log.dump()).isGreaterThan(created);
    assertThat(restoreRollout)
        .as("I3: restore after the Job's pod ended\n%s", log.dump())
        .isGreaterThan(ended);
  }
}
