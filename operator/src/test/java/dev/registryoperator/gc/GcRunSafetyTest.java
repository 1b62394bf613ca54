package dev.registryoperator.gc;

import static dev.registryoperator.OperatorHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.registryoperator.InvariantMonitor;
import dev.registryoperator.common.Conditions;
import dev.registryoperator.fakecluster.CrudApiDispatcher;
import dev.registryoperator.fakecluster.JobBehaviour;
import dev.registryoperator.registry.MaintenanceRequest;
import dev.registryoperator.registry.Registry;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9: ordinary edits and failures in the middle of a run (a GitOps re-sync, kubectl replace, a
 * typo) never let a writer near a collecting registry (I2, I3) and always give service back (I4).
 * An independent monitor checks every pod change the API server reports.
 */
class GcRunSafetyTest extends GcClusterTestBase {
  private InvariantMonitor monitor;

  private void startMonitored() {
    start();
    monitor = InvariantMonitor.watch(client, NAMESPACE);
  }

  @AfterEach
  void noViolation() {
    if (monitor != null) {
      monitor.close();
      assertThat(monitor.violations()).as(() -> harness.cluster().log().dump()).isEmpty();
    }
  }

  private String awaitCollecting(String schedule) {
    String job = GcJob.name(get(schedule), "r1", GcJob.Kind.Collect);
    eventually().until(() -> harness.cluster().log().contains("job " + job + " pod started"));
    return job;
  }

  @Test
  void editingRegistryRefMidRunFinishesAndReleasesTheLockedRegistry() {
    startMonitored();
    registry("images", 1);
    registry("other", 1);
    jobs.set(job -> JobBehaviour.Run.exit(0, REPORT, Duration.ofSeconds(2)));
    schedule("nightly", "images", s -> {});
    requestRun("nightly", "t1");
    awaitCollecting("nightly");

    client
        .resources(GcSchedule.class)
        .inNamespace(NAMESPACE)
        .withName("nightly")
        .edit(
            s -> {
              s.getSpec().setRegistryRef(new GcScheduleSpec.RegistryRef("other"));
              return s;
            });

    GcRunRecord run = awaitFinished("nightly", 1);
    assertThat(run.getResult()).isEqualTo(GcRunResult.Succeeded);
    assertThat(run.getRegistry()).isEqualTo("images");
    awaitServing("images");
    assertThat(getRegistry("images").getStatus().getLastGarbageCollection().getSchedule())
        .isEqualTo("nightly");
    assertThat(getRegistry("other").getMetadata().getAnnotations())
        .doesNotContainKey(MaintenanceRequest.ANNOTATION);
  }

  @Test
  void aReplacedRegistryThatLostItsLockStopsTheJobBeforeAnyWriterReturns() {
    startMonitored();
    registry("images", 1);
    jobs.set(JobBehaviour.hang());
    schedule("nightly", "images", s -> {});
    requestRun("nightly", "t1");
    awaitCollecting("nightly");

    // kubectl replace (or an Argo CD sync with Replace=true): the object as the user wrote it,
    // without our annotation
    Registry current = getRegistry("images");
    current.getMetadata().getAnnotations().remove(MaintenanceRequest.ANNOTATION);
    client.resource(current).update();

    GcRunRecord run = awaitFinished("nightly", 1);
    assertThat(run.getResult()).isEqualTo(GcRunResult.Failed);
    assertThat(run.getReason()).isEqualTo("LockLost");
    awaitServing("images");
  }

  @Test
  void aCorruptedLockAnnotationStopsTheJobBeforeAnyWriterReturns() {
    startMonitored();
    registry("images", 1);
    jobs.set(JobBehaviour.hang());
    schedule("nightly", "images", s -> {});
    requestRun("nightly", "t1");
    awaitCollecting("nightly");

    client
        .resources(Registry.class)
        .inNamespace(NAMESPACE)
        .withName("images")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\""
                + MaintenanceRequest.ANNOTATION
                + "\":\"{not json\"}}}");

    GcRunRecord run = awaitFinished("nightly", 1);
    assertThat(run.getReason()).isEqualTo("LockLost");
    awaitServing("images");
  }

  @Test
  void aRegistryRecreatedWithTheSameNameIsNotTheOneTheRunLocked() {
    start(Clock.systemUTC(), b -> b.terminationGrace(Duration.ofSeconds(2)));
    monitor = InvariantMonitor.watch(client, NAMESPACE);
    registry("images", 1);
    jobs.set(JobBehaviour.hang());
    schedule("nightly", "images", s -> {});
    requestRun("nightly", "t1");
    awaitCollecting("nightly");

    client.resources(Registry.class).inNamespace(NAMESPACE).withName("images").delete();
    eventually().until(() -> getRegistry("images") == null);
    Registry again = new Registry();
    again.setMetadata(new ObjectMetaBuilder().withName("images").withNamespace(NAMESPACE).build());
    again.setSpec(dev.registryoperator.registry.Registries.withPvc("images", "1Gi").getSpec());
    client.resource(again).create();

    GcRunRecord run = awaitFinished("nightly", 1);
    assertThat(run.getResult()).isEqualTo(GcRunResult.Failed);
    assertThat(run.getReason()).isIn("RegistryDeleted", "RegistryReplaced");
    awaitServing("images");
  }

  @Test
  void theResultComesFromTheCollectJobNotThePreview() {
    startMonitored();
    registry("images", 1);
    String preview =
        "{\"version\":1,\"result\":\"Succeeded\",\"exitCode\":0,\"message\":\"preview\",\"dryRun\":true,\"eligibleBytes\":9000000,\"reclaimedBytes\":0,\"blobsEligible\":20}";
    String integrity =
        "{\"version\":1,\"result\":\"Failed\",\"exitCode\":5,\"message\":\"integrity check failed: library/app:1.0 lost blob sha256:abc\",\"reclaimedBytes\":9000000}";
    jobs.set(
        job ->
            job.getMetadata().getName().endsWith("-preview")
                ? JobBehaviour.Run.exit(0, preview, null)
                : JobBehaviour.Run.exit(5, integrity, null));
    schedule("nightly", "images", s -> s.setMinReclaimableBytes(1L));

    requestRun("nightly", "t1");

    GcRunRecord run = awaitFinished("nightly", 1);
    assertThat(run.getResult()).isEqualTo(GcRunResult.Failed);
    assertThat(run.getReason()).isEqualTo("IntegrityCheckFailed");
    assertThat(run.getMessage()).contains("lost blob sha256:abc");
    awaitServing("images");
  }

  @Test
  void aJobTheApiRefusesFailsTheRunAndRestoresAtOnce() {
    startMonitored();
    registry("images", 1);
    harness
        .api()
        .dispatcher()
        .admit(
            request ->
                "POST".equals(request.method())
                        && request
                            .path()
                            .startsWith("/apis/batch/v1/namespaces/" + NAMESPACE + "/jobs")
                    ? Optional.of(
                        new CrudApiDispatcher.Refusal(
                            403,
                            "Forbidden",
                            "jobs is forbidden: exceeded quota: batch, requested: count/jobs.batch=1, used: count/jobs.batch=10, limited: count/jobs.batch=10"))
                    : Optional.empty());
    schedule("nightly", "images", s -> {});
    Instant asked = Instant.now();

    requestRun("nightly", "t1");

    GcRunRecord run = awaitFinished("nightly", 1);
    assertThat(run.getResult()).isEqualTo(GcRunResult.Failed);
    assertThat(run.getReason()).isEqualTo("JobRejected");
    assertThat(run.getMessage()).contains("exceeded quota");
    awaitServing("images");
    assertThat(Duration.between(asked, Instant.now())).isLessThan(Duration.ofSeconds(25));
    assertThat(harness.eventsFor("GcSchedule", "nightly"))
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("RunFailed"));
  }

  @Test
  void aJobWhosePodIsRefusedFailsWithTheFailedCreateMessage() {
    startMonitored();
    registry("images", 1);
    GcSchedule schedule =
        schedule(
            "nightly",
            "images",
            s -> {
              s.setJob(new GcScheduleSpec.JobOverrides());
              s.getJob().setPodStartTimeout("3s");
            });
    String gcPods = "/api/v1/namespaces/" + NAMESPACE + "/pods";
    String job = GcJob.name(schedule, "r1", GcJob.Kind.Collect);
    // a ResourceQuota that the GC pod exceeds
    harness
        .api()
        .dispatcher()
        .admit(
            request ->
                "POST".equals(request.method())
                        && request.path().startsWith(gcPods)
                        && request.body().contains("\"" + job + "-")
                    ? Optional.of(
                        new CrudApiDispatcher.Refusal(
                            403,
                            "Forbidden",
                            "pods is forbidden: exceeded quota: gc, requested: memory=256Mi, limited: memory=128Mi"))
                    : Optional.empty());

    requestRun("nightly", "t1");

    GcRunRecord run = awaitFinished("nightly", 1);
    assertThat(run.getReason()).isEqualTo("PodNotCreated");
    assertThat(run.getMessage()).contains("exceeded quota: gc");
    awaitServing("images");
  }

  @Test
  void aRunRequestedWhileTheRegistryIsInvalidIsRefusedNotKept() {
    startMonitored();
    registry("images", 1);
    schedule("nightly", "images", s -> {});
    eventually()
        .untilAsserted(
            () ->
                assertThat(Conditions.isTrue(get("nightly").getStatus().getConditions(), "Ready"))
                    .isTrue());

    client
        .resources(Registry.class)
        .inNamespace(NAMESPACE)
        .withName("images")
        .edit(
            r -> {
              r.getSpec().setReplicas(-1);
              return r;
            });
    eventually()
        .untilAsserted(
            () ->
                assertThat(Conditions.find(get("nightly").getStatus().getConditions(), "Ready"))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getReason()).isEqualTo("RegistryNotReady");
                          assertThat(c.getMessage()).contains("replicas");
                        }));
    requestRun("nightly", "t1");

    GcRunRecord refused = awaitFinished("nightly", 1);
    assertThat(refused.getResult()).isEqualTo(GcRunResult.Skipped);
    assertThat(refused.getReason()).isEqualTo("RegistryNotReady");
    assertThat(refused.getRunRequest()).isEqualTo("t1");
    assertThat(harness.eventsFor("GcSchedule", "nightly"))
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("RunRefused"));

    // fixing the typo does not start the request that was refused
    client
        .resources(Registry.class)
        .inNamespace(NAMESPACE)
        .withName("images")
        .edit(
            r -> {
              r.getSpec().setReplicas(1);
              return r;
            });
    eventually()
        .untilAsserted(
            () ->
                assertThat(Conditions.isTrue(get("nightly").getStatus().getConditions(), "Ready"))
                    .isTrue());
    assertThat(harness.cluster().log().linesMatching("job .* created")).isEmpty();
    assertThat(get("nightly").getStatus().getHistory()).hasSize(1);
  }

  @Test
  void aReadOnlyScheduleForAReadWriteOncePodRegistryIsRefusedAndStartsNoRun() {
    startMonitored();
    Registry registry = dev.registryoperator.registry.Registries.withPvc("images", "1Gi");
    registry.getMetadata().setUid(null);
    registry.getMetadata().setGeneration(null);
    registry
        .getSpec()
        .getStorage()
        .getPvc()
        .setAccessModes(
            java.util.List.of(
                dev.registryoperator.registry.PvcStorageSpec.AccessMode.ReadWriteOncePod));
    client.resource(registry).create();
    schedule("nightly", "images", s -> s.setQuiesceTimeout(null));
    requestRun("nightly", "2026-01-01T00:00:00Z");

    eventually()
        .untilAsserted(
            () -> {
              assertThat(Conditions.find(get("nightly").getStatus().getConditions(), "Ready"))
                  .hasValueSatisfying(
                      c -> {
                        assertThat(c.getStatus()).isEqualTo("False");
                        assertThat(c.getReason()).isEqualTo("InvalidSpec");
                        assertThat(c.getMessage())
                            .contains("ReadWriteOncePod")
                            .contains("use mode: ScaleToZero");
                      });
              assertThat(harness.eventsFor("GcSchedule", "nightly"))
                  .anySatisfy(
                      e -> {
                        assertThat(e.getType()).isEqualTo("Warning");
                        assertThat(e.getReason()).isEqualTo("InvalidSpec");
                      });
            });
    GcRunRecord refused = awaitFinished("nightly", 1);
    assertThat(refused.getResult()).isEqualTo(GcRunResult.Skipped);
    assertThat(refused.getReason()).isEqualTo("InvalidSpec");
    assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems()).isEmpty();
    assertThat(getRegistry("images").getMetadata().getAnnotations())
        .doesNotContainKey(MaintenanceRequest.ANNOTATION);

    client
        .resources(GcSchedule.class)
        .inNamespace(NAMESPACE)
        .withName("nightly")
        .edit(
            s -> {
              s.getSpec().setMode(dev.registryoperator.registry.MaintenanceMode.ScaleToZero);
              return s;
            });
    eventually()
        .untilAsserted(
            () ->
                assertThat(Conditions.isTrue(get("nightly").getStatus().getConditions(), "Ready"))
                    .isTrue());
  }

  @Test
  void aBusyApiServerIsRetriedWithABackoffAndTheRunStillSucceeds() {
    startMonitored();
    registry("images", 1);
    Runnable lift =
        harness
            .api()
            .dispatcher()
            .admit(
                request ->
                    "POST".equals(request.method())
                            && request
                                .path()
                                .startsWith("/apis/batch/v1/namespaces/" + NAMESPACE + "/jobs")
                        ? Optional.of(
                            new CrudApiDispatcher.Refusal(
                                503,
                                "ServiceUnavailable",
                                "the server is currently unable to handle the request"))
                        : Optional.empty());
    schedule("nightly", "images", s -> {});

    requestRun("nightly", "t1");
    eventually()
        .untilAsserted(
            () ->
                assertThat(harness.eventsFor("GcSchedule", "nightly"))
                    .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("ApiError")));
    assertThat(get("nightly").getStatus().getCurrentRun().getMessage()).contains("retrying");
    lift.run();

    GcRunRecord run = awaitFinished("nightly", 1);
    assertThat(run.getResult()).isEqualTo(GcRunResult.Succeeded);
    awaitServing("images");
  }

  @Test
  void quiesceTimeoutFiresEvenWhileTakingTheLockKeepsFailing() {
    startMonitored();
    registry("images", 1);
    harness
        .api()
        .dispatcher()
        .admit(
            request ->
                "PATCH".equals(request.method()) && request.path().contains("/registries/images")
                    ? Optional.of(
                        new CrudApiDispatcher.Refusal(
                            500, "InternalError", "etcdserver: request timed out"))
                    : Optional.empty());
    schedule("nightly", "images", s -> s.setQuiesceTimeout("3s"));
    Instant asked = Instant.now();

    requestRun("nightly", "t1");

    GcRunRecord run = awaitFinished("nightly", 1);
    assertThat(run.getResult()).isEqualTo(GcRunResult.Failed);
    assertThat(run.getReason()).isEqualTo("QuiesceTimeout");
    assertThat(Duration.between(asked, Instant.now())).isLessThan(Duration.ofSeconds(25));
    assertThat(harness.cluster().log().linesMatching("job .* created")).isEmpty();
    awaitServing("images");
  }

  @Test
  void aForceDeletedScheduleLeavesTheRegistryInMaintenanceUntilItsGcPodIsGone() {
    start(Clock.systemUTC(), b -> b.terminationGrace(Duration.ofSeconds(2)));
    monitor = InvariantMonitor.watch(client, NAMESPACE);
    registry("images", 1);
    jobs.set(JobBehaviour.hang());
    schedule("nightly", "images", s -> {});
    requestRun("nightly", "t1");
    String job = awaitCollecting("nightly");

    // the finalizer removed by hand while the operator is down, then deleted: no cleanup ever runs
    harness.stopOperator();
    client
        .resources(GcSchedule.class)
        .inNamespace(NAMESPACE)
        .withName("nightly")
        .edit(
            s -> {
              s.getMetadata().setFinalizers(java.util.List.of());
              return s;
            });
    client.resources(GcSchedule.class).inNamespace(NAMESPACE).withName("nightly").delete();
    eventually().until(() -> get("nightly") == null);
    harness.startOperator();

    // the garbage collector removes the orphaned Job; its pod terminates; only then is the registry
    // writable
    eventually()
        .untilAsserted(() -> assertThat(harness.cluster().podsOfJob(NAMESPACE, job)).isEmpty());
    awaitServing("images");
    assertThat(harness.eventsFor("Registry", "images"))
        .extracting(e -> e.getReason())
        .contains("StaleMaintenanceReleased");
  }

  @Test
  void aCollectJobWithoutItsPodYetKeepsTheRegistryInMaintenanceWhenTheLockGoes() {
    startMonitored();
    registry("images", 1);
    registry("other", 1);
    schedule("holder", "other", s -> {});
    // a window held by a GcSchedule that exists, then its collect Job, created suspended (no pod
    // yet)
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
                              "r9",
                              dev.registryoperator.registry.MaintenanceMode.ReadOnly,
                              Instant.now().toString())
                          .toJson());
              return r;
            });
    eventually()
        .untilAsserted(
            () ->
                assertThat(getRegistry("images").getStatus().getMaintenance().getInEffect())
                    .isTrue());
    var labels =
        new java.util.LinkedHashMap<>(
            dev.registryoperator.common.Labels.forInstance(
                "images", dev.registryoperator.common.Labels.COMPONENT_GC));
    labels.put(
        dev.registryoperator.common.Labels.GC_KIND,
        dev.registryoperator.common.Labels.GC_KIND_COLLECT);
    labels.put(dev.registryoperator.common.Labels.GC_MAINTENANCE, "ReadOnly");
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NAMESPACE)
        .resource(
            new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
                .withNewMetadata()
                .withName("holder-r9")
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withSuspend(true)
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .addNewContainer()
                .withName("gc")
                .withImage("registry:3")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();

    // kubectl replace: the lock goes; no GC pod exists yet, only the Job
    Registry current = getRegistry("images");
    current.getMetadata().getAnnotations().remove(MaintenanceRequest.ANNOTATION);
    client.resource(current).update();

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(6))
        .untilAsserted(
            () ->
                assertThat(harness.cluster().podsOfDeployment(NAMESPACE, "images"))
                    .isNotEmpty()
                    .allSatisfy(p -> assertThat(InvariantMonitor.writable(p)).isFalse()));
    client.batch().v1().jobs().inNamespace(NAMESPACE).withName("holder-r9").delete();
    awaitServing("images");
  }
}
