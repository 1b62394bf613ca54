package dev.registryoperator.gc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.common.EventRecorder;
import dev.registryoperator.common.Labels;
import dev.registryoperator.fakecluster.MockApiServer;
import dev.registryoperator.registry.MaintenanceLock;
import dev.registryoperator.registry.MaintenanceMode;
import dev.registryoperator.registry.MaintenanceRequest;
import dev.registryoperator.registry.Registries;
import dev.registryoperator.registry.Registry;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ScalableResource;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Starting a Job that deletes, against an API server: the checks are made in the API. */
class GcRunActionsTest {
  private static final String NAMESPACE = "team-a";

  private final MockApiServer api = MockApiServer.start();
  private final KubernetesClient client = api.client();
  private final GcSchedule schedule = GcRunTest.schedule(MaintenanceMode.ReadOnly);
  private final MaintenanceLock lock = new MaintenanceLock(client);
  private final GcRunActions actions =
      new GcRunActions(
          new EventRecorder(client, Clock.systemUTC()), lock, WorkloadProtection.DISABLED);

  @AfterEach
  void stop() {
    api.close();
  }

  private static Job collectJob(String name, String schedule, String runId, boolean suspended) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NAMESPACE)
        .addToLabels(Labels.INSTANCE, "images")
        .addToLabels(Labels.COMPONENT, Labels.COMPONENT_GC)
        .addToLabels(Labels.GC_KIND, Labels.GC_KIND_COLLECT)
        .addToLabels(Labels.GC_MAINTENANCE, MaintenanceMode.ReadOnly.name())
        .addToLabels(GcJob.SCHEDULE_LABEL, schedule)
        .addToLabels(GcJob.RUN_LABEL, runId)
        .endMetadata()
        .withNewSpec()
        .withSuspend(suspended)
        .withNewTemplate()
        .withNewSpec()
        .addNewContainer()
        .withName(GcJob.CONTAINER)
        .withImage("registry-image")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  @Test
  void aJobThatDeletesWaitsWhileAnotherRunsStartedCollectJobHasNoPodYet() {
    client.resource(Registries.withPvc("images", "1Gi")).inNamespace(NAMESPACE).create();
    assertThat(
            lock.acquire(
                NAMESPACE,
                "images",
                new MaintenanceRequest(
                    GcRun.holder(schedule),
                    schedule.getMetadata().getUid(),
                    "r2",
                    MaintenanceMode.ReadOnly,
                    "2026-11-26T00:00:00Z")))
        .isTrue();
    // a run of another schedule that lost the lock: its Job was started, its pod not created yet
    Job other = client.resource(collectJob("other-r1", "other", "r1", false)).create();

    GcRunActions.Result blocked =
        actions.execute(
            schedule,
            "r2",
            List.of(new GcRun.CreateJob(collectJob("nightly-r2", "nightly", "r2", true), true)),
            client);

    assertThat(blocked.lostRace()).isTrue();
    assertThat(job("nightly-r2").get()).as("the suspended Job is removed, never started").isNull();

    other.setStatus(
        new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
            .addNewCondition()
            .withType("Complete")
            .withStatus("True")
            .endCondition()
            .build());
    client.resource(other).updateStatus();

    GcRunActions.Result started =
        actions.execute(
            schedule,
            "r2",
            List.of(new GcRun.CreateJob(collectJob("nightly-r2", "nightly", "r2", true), true)),
            client);

    assertThat(started).isEqualTo(GcRunActions.Result.DONE);
    assertThat(job("nightly-r2").get().getSpec().getSuspend()).isFalse();
  }

  /**
   * Found by the torture test (seeds 9, 45, 118): a leader stopped right after it created a run's
   * collect Job, before the run's status named it. The new leader ended the run and asked to
   * release the lock, which waits while a Job of the run is unfinished; nothing stopped that Job,
   * since the run did not know it, so the registry stayed in maintenance for good. Now the restore
   * step stops any Job of its run first ({@link GcRun.StopStrayJobs}), also when the run holds no
   * lock any more (seed 36: the Registry had been replaced, and its successor kept a window for the
   * stray Job: {@code GcRunTest.aRunThatHoldsNoLockStillStopsItsStrayJobsBeforeItEnds}).
   */
  @Test
  void releasingTheLockStopsAJobOfTheRunThatItsStatusNeverNamed() {
    client.resource(Registries.withPvc("images", "1Gi")).inNamespace(NAMESPACE).create();
    MaintenanceRequest request =
        new MaintenanceRequest(
            GcRun.holder(schedule),
            schedule.getMetadata().getUid(),
            "r2",
            MaintenanceMode.ReadOnly,
            "2026-11-26T00:00:00Z");
    assertThat(lock.acquire(NAMESPACE, "images", request)).isTrue();
    client.resource(collectJob("nightly-r2", "nightly", "r2", true)).create();
    List<GcRun.Action> release =
        List.of(new GcRun.StopStrayJobs(), new GcRun.ReleaseLock("images", "r2", null));

    assertThat(actions.execute(schedule, "r2", release, client).lostRace()).isTrue();
    // deleted in the foreground: the API server keeps it, marked, until its pods are gone
    Job stopped = job("nightly-r2").get();
    assertThat(stopped.getMetadata().getDeletionTimestamp())
        .as("the run's unknown Job is stopped")
        .isNotNull();
    assertThat(actions.execute(schedule, "r2", release, client).lostRace()).isTrue();
    assertThat(MaintenanceRequest.of(registry())).as("held while the Job is there").isPresent();
    // the garbage collector (no cluster here): the Job had no pod, so it goes
    job("nightly-r2")
        .edit(
            j -> {
              j.getMetadata().setFinalizers(List.of());
              return j;
            });
    assertThat(job("nightly-r2").get()).isNull();

    assertThat(actions.execute(schedule, "r2", release, client))
        .isEqualTo(GcRunActions.Result.DONE);
    assertThat(MaintenanceRequest.of(registry())).isEmpty();
  }

  private Registry registry() {
    return client.resources(Registry.class).inNamespace(NAMESPACE).withName("images").get();
  }

  /**
   * A Job with retention gets its request right before it is created: the rules, the time, and the
   * images the workloads use from its Registry, listed then.
   */
  @Test
  void aRetentionJobCarriesTheRulesAndTheWorkloadsImagesInItsPodAnnotation() throws Exception {
    Registry registry = Registries.withPvc("images", "1Gi");
    client.resource(registry).inNamespace(NAMESPACE).create();
    schedule
        .getSpec()
        .setRetention(
            List.of(
                new dev.registryoperator.gcreport.retention.RetentionRule(
                    null, null, null, null, 3, null)));
    GcRunPlan plan = GcRunPlan.of(schedule.getSpec(), registry);
    Job pruning = GcJob.desired(schedule, plan, registry, "r4", GcJob.Kind.Pruning, null, false);
    java.time.Instant now = java.time.Instant.parse("2026-11-26T12:00:00Z");
    var inUse =
        new dev.registryoperator.gcreport.retention.Protection(
            java.util.Map.of("app:v1", List.of("Pod team-a/web")));
    GcRunActions protecting =
        new GcRunActions(
            new EventRecorder(client, Clock.systemUTC()),
            lock,
            r -> {
              assertThat(r.getMetadata().getName()).isEqualTo("images");
              return new dev.registryoperator.retention.WorkloadCheck(inUse, true);
            });

    GcRunActions.Result result =
        protecting.execute(
            schedule,
            "r4",
            List.of(
                new GcRun.CreateJob(
                    pruning, false, new GcRun.RetentionInput(plan.getRetention(), now))),
            client);

    assertThat(result).isEqualTo(GcRunActions.Result.DONE);
    Job created = job(pruning.getMetadata().getName()).get();
    String json =
        created
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getAnnotations()
            .get(GcJob.RETENTION_ANNOTATION);
    var request = dev.registryoperator.gcreport.retention.RetentionRequest.parse(json);
    assertThat(request.now()).isEqualTo(now);
    assertThat(request.rules()).isEqualTo(plan.getRetention());
    assertThat(request.protection()).isEqualTo(inUse);
    assertThat(request.workloadsChecked()).isTrue();

    // without the Registry there is nothing to protect from: no Job, the run looks again
    client.resource(registry).inNamespace(NAMESPACE).delete();
    Job again = GcJob.desired(schedule, plan, registry, "r5", GcJob.Kind.Pruning, null, false);
    assertThat(
            protecting.execute(
                schedule,
                "r5",
                List.of(
                    new GcRun.CreateJob(
                        again, false, new GcRun.RetentionInput(plan.getRetention(), now))),
                client))
        .isEqualTo(GcRunActions.Result.LOST_RACE);
    assertThat(job(again.getMetadata().getName()).get()).isNull();
  }

  private ScalableResource<Job> job(String name) {
    return client.batch().v1().jobs().inNamespace(NAMESPACE).withName(name);
  }
}
