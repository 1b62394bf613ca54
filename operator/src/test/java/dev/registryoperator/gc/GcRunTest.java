package dev.registryoperator.gc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.common.Conditions;
import dev.registryoperator.common.Labels;
import dev.registryoperator.registry.GcRecord;
import dev.registryoperator.registry.LastGarbageCollection;
import dev.registryoperator.registry.MaintenanceMode;
import dev.registryoperator.registry.MaintenanceRequest;
import dev.registryoperator.registry.MaintenanceStatus;
import dev.registryoperator.registry.PodCensus;
import dev.registryoperator.registry.Registries;
import dev.registryoperator.registry.Registry;
import dev.registryoperator.registry.RegistryStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The run state machine, step by step, without a cluster. */
class GcRunTest {
  private static final Instant T0 = Instant.parse("2026-11-24T03:00:00Z");
  private static final String REPORT_OK =
      "{\"version\":1,\"result\":\"Succeeded\",\"exitCode\":0,\"message\":\"ok\",\"eligibleBytes\":3000,\"reclaimedBytes\":3000,\"blobsDeleted\":3,\"manifestsDeleted\":1,\"blobsEligible\":3}";

  private final GcSchedule schedule = schedule(MaintenanceMode.ReadOnly);
  private final Registry registry = Registries.withPvc("images", "1Gi");

  static GcSchedule schedule(MaintenanceMode mode) {
    GcSchedule s = new GcSchedule();
    s.setMetadata(
        new ObjectMetaBuilder()
            .withName("nightly")
            .withNamespace("team-a")
            .withUid("abcdef12-0000")
            .withGeneration(1L)
            .build());
    GcScheduleSpec spec = new GcScheduleSpec();
    spec.setRegistryRef(new GcScheduleSpec.RegistryRef("images"));
    spec.setMode(mode);
    spec.setQuiesceTimeout("2m");
    spec.setMaxDuration("30m");
    s.setSpec(spec);
    return s;
  }

  private static Pod pod(boolean readOnly, boolean terminating) {
    var meta =
        new ObjectMetaBuilder()
            .withName("p")
            .addToLabels(Labels.READ_ONLY, Boolean.toString(readOnly));
    if (terminating) {
      meta.withDeletionTimestamp("2026-11-24T03:00:01Z");
    }
    // read-only is proven by the registry container's own environment, the label proves nothing
    var container =
        new io.fabric8.kubernetes.api.model.ContainerBuilder()
            .withName(dev.registryoperator.registry.RegistryDeployment.CONTAINER);
    if (readOnly) {
      container
          .addNewEnv()
          .withName(dev.registryoperator.registry.RegistryDeployment.READ_ONLY_ENV)
          .withValue(dev.registryoperator.registry.RegistryDeployment.READ_ONLY_VALUE)
          .endEnv();
    }
    return new PodBuilder()
        .withMetadata(meta.build())
        .withNewSpec()
        .withContainers(container.build())
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .endStatus()
        .build();
  }

  private static Pod jobPod(boolean terminated, int exitCode, String message) {
    var builder =
        new PodBuilder()
            .withNewMetadata()
            .withName("job-pod")
            .endMetadata()
            .withNewStatus()
            .withPhase(terminated ? (exitCode == 0 ? "Succeeded" : "Failed") : "Running");
    if (terminated) {
      builder
          .addNewContainerStatus()
          .withName(GcJob.CONTAINER)
          .withNewState()
          .withNewTerminated()
          .withExitCode(exitCode)
          .withMessage(message)
          .endTerminated()
          .endState()
          .endContainerStatus();
    }
    return builder.endStatus().build();
  }

  private static Job job(String condition, String reason) {
    var builder = new JobBuilder().withNewMetadata().withName("j").endMetadata().withNewStatus();
    if (condition != null) {
      builder
          .addNewCondition()
          .withType(condition)
          .withStatus("True")
          .withReason(reason)
          .endCondition();
    }
    return builder.endStatus().build();
  }

  private Registry registryInMaintenance(boolean inEffect, String holder) {
    Registry r = Registries.withPvc("images", "1Gi");
    r.setStatus(new RegistryStatus());
    r.getStatus()
        .setMaintenance(new MaintenanceStatus("ReadOnly", holder, T0.toString(), inEffect));
    return r;
  }

  private static GcRun.Observation seen(
      Instant now,
      Registry registry,
      List<Pod> registryPods,
      JobObservation job,
      MaintenanceRequest lock) {
    return new GcRun.Observation(
        now, registry, PodCensus.of(registryPods, null), job, Optional.ofNullable(lock), null);
  }

  private MaintenanceRequest ourLock(String runId) {
    return new MaintenanceRequest(
        GcRun.holder(schedule), runId, MaintenanceMode.ReadOnly, T0.toString());
  }

  @Test
  void aRunWithoutPreviewStartsByQuiescingAndTakesTheLock() {
    GcRunStatus run = GcRun.start(schedule.getSpec(), registry, "r1", GcRunTrigger.Manual, T0);
    assertThat(run.getStep()).isEqualTo(GcRunStep.Quiescing);

    GcRun.Advance next =
        GcRun.advance(
            schedule,
            run,
            seen(T0, registry, List.of(pod(false, false)), JobObservation.absent(List.of()), null));

    assertThat(next.actions())
        .hasAtLeastOneElementOfType(GcRun.AcquireLock.class)
        .noneMatch(a -> a instanceof GcRun.CreateJob);
    assertThat(next.run().getWritesStoppedTime()).isEqualTo(Conditions.format(T0));
  }

  @Test
  void noJobWhileAnyWritablePodRemainsEvenTerminatingOrWhenTheRegistrySaysSo() {
    GcRunStatus run = GcRun.start(schedule.getSpec(), registry, "r1", GcRunTrigger.Manual, T0);
    Registry reportsInEffect = registryInMaintenance(true, GcRun.holder(schedule));

    // the Registry reports the window in effect, but a terminating writable pod is still seen
    GcRun.Advance terminating =
        GcRun.advance(
            schedule,
            run,
            seen(
                T0.plusSeconds(5),
                reportsInEffect,
                List.of(pod(true, false), pod(false, true)),
                JobObservation.absent(List.of()),
                ourLock("r1")));
    assertThat(terminating.actions()).noneMatch(a -> a instanceof GcRun.CreateJob);
    assertThat(terminating.run().getStep()).isEqualTo(GcRunStep.Quiescing);

    // pods are all read-only, but the Registry has not reported the window in effect
    GcRun.Advance notReported =
        GcRun.advance(
            schedule,
            run,
            seen(
                T0.plusSeconds(5),
                registryInMaintenance(false, GcRun.holder(schedule)),
                List.of(pod(true, false)),
                JobObservation.absent(List.of()),
                ourLock("r1")));
    assertThat(notReported.actions()).noneMatch(a -> a instanceof GcRun.CreateJob);

    // both agree: the Job is created and the run is Collecting
    GcRun.Advance quiet =
        GcRun.advance(
            schedule,
            run,
            seen(
                T0.plusSeconds(6),
                reportsInEffect,
                List.of(pod(true, false)),
                JobObservation.absent(List.of()),
                ourLock("r1")));
    assertThat(quiet.actions())
        .filteredOn(a -> a instanceof GcRun.CreateJob)
        .singleElement()
        .satisfies(
            a ->
                assertThat(
                        ((GcRun.CreateJob) a)
                            .job()
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getArgs())
                    .doesNotContain("--dry-run"));
    assertThat(quiet.run().getStep()).isEqualTo(GcRunStep.Collecting);
    assertThat(quiet.run().getJobName()).isEqualTo("nightly-abcde-r1");
    // from here on every push is refused: the window's start as seen by the operator
    assertThat(quiet.run().getWritesRefusedTime()).isEqualTo(Conditions.format(T0.plusSeconds(6)));
  }

  @Test
  void scaleToZeroWaitsForEveryPodToBeGone() {
    GcSchedule zero = schedule(MaintenanceMode.ScaleToZero);
    GcRunStatus run = GcRun.start(zero.getSpec(), registry, "r1", GcRunTrigger.Manual, T0);
    Registry reported = registryInMaintenance(true, GcRun.holder(zero));
    MaintenanceRequest lock =
        new MaintenanceRequest(
            GcRun.holder(zero), "r1", MaintenanceMode.ScaleToZero, T0.toString());

    assertThat(
            GcRun.advance(
                    zero,
                    run,
                    seen(
                        T0,
                        reported,
                        List.of(pod(true, true)),
                        JobObservation.absent(List.of()),
                        lock))
                .actions())
        .noneMatch(a -> a instanceof GcRun.CreateJob);
    assertThat(
            GcRun.advance(
                    zero,
                    run,
                    seen(T0, reported, List.of(), JobObservation.absent(List.of()), lock))
                .actions())
        .anyMatch(a -> a instanceof GcRun.CreateJob);
  }

  @Test
  void anotherHolderMeansWaitThenSkip() {
    GcRunStatus run = GcRun.start(schedule.getSpec(), registry, "r1", GcRunTrigger.Manual, T0);
    MaintenanceRequest other =
        new MaintenanceRequest("GcSchedule/weekly", "r9", MaintenanceMode.ReadOnly, T0.toString());

    GcRun.Advance waiting =
        GcRun.advance(
            schedule,
            run,
            seen(T0.plusSeconds(30), registry, List.of(), JobObservation.absent(List.of()), other));
    assertThat(waiting.actions())
        .noneMatch(a -> a instanceof GcRun.AcquireLock || a instanceof GcRun.CreateJob);
    assertThat(waiting.run().getMessage()).contains("GcSchedule/weekly holds the maintenance lock");

    GcRun.Advance skipped =
        GcRun.advance(
            schedule,
            run,
            seen(
                T0.plusSeconds(121), registry, List.of(), JobObservation.absent(List.of()), other));
    assertThat(skipped.run().getStep()).isEqualTo(GcRunStep.Restoring);
    assertThat(skipped.run().getOutcome().getResult()).isEqualTo(GcRunResult.Skipped);
    assertThat(skipped.run().getOutcome().getReason()).isEqualTo("RegistryBusy");

    // the other holder's lock is never released by this run
    GcRun.Advance done =
        GcRun.advance(
            schedule,
            skipped.run(),
            seen(
                T0.plusSeconds(122), registry, List.of(), JobObservation.absent(List.of()), other));
    assertThat(done.actions()).noneMatch(a -> a instanceof GcRun.ReleaseLock);
    assertThat(done.finished().getResult()).isEqualTo(GcRunResult.Skipped);
    assertThat(done.finished().getWriteUnavailableSeconds()).isZero();
  }

  @Test
  void quiesceTimeoutFailsAndRestores() {
    GcRunStatus run = GcRun.start(schedule.getSpec(), registry, "r1", GcRunTrigger.Manual, T0);
    run.setWritesStoppedTime(T0.toString());
    GcRun.Advance next =
        GcRun.advance(
            schedule,
            run,
            seen(
                T0.plusSeconds(121),
                registryInMaintenance(false, GcRun.holder(schedule)),
                List.of(pod(false, false)),
                JobObservation.absent(List.of()),
                ourLock("r1")));

    assertThat(next.run().getStep()).isEqualTo(GcRunStep.Restoring);
    assertThat(next.run().getOutcome().getReason()).isEqualTo("QuiesceTimeout");
    assertThat(next.run().getOutcome().getMessage()).contains("1 writable of 1 pods remain");
    assertThat(next.actions()).anyMatch(a -> a instanceof GcRun.Announce an && an.warning());
  }

  private GcRunStatus collecting() {
    GcRunStatus run = GcRun.start(schedule.getSpec(), registry, "r1", GcRunTrigger.Schedule, T0);
    run.setWritesStoppedTime(T0.toString());
    run.setWritesRefusedTime(T0.plusSeconds(10).toString());
    run.setRegistryGeneration(1L);
    run.setJobName("nightly-abcde-r1");
    run.setStep(GcRunStep.Collecting);
    run.setStepStartTime(T0.plusSeconds(10).toString());
    return run;
  }

  @Test
  void lockIsReleasedOnlyAfterTheJobPodTerminated() {
    Registry r = registryInMaintenance(true, GcRun.holder(schedule));
    GcRun.Advance stillRunning =
        GcRun.advance(
            schedule,
            collecting(),
            seen(
                T0.plusSeconds(20),
                r,
                List.of(),
                JobObservation.of(
                    job(null, null),
                    List.of(jobPod(false, 0, null)),
                    List.of(jobPod(false, 0, null)),
                    null),
                ourLock("r1")));
    assertThat(stillRunning.run().getStep()).isEqualTo(GcRunStep.Collecting);
    assertThat(stillRunning.actions()).isEmpty();

    GcRun.Advance done =
        GcRun.advance(
            schedule,
            collecting(),
            seen(
                T0.plusSeconds(30),
                r,
                List.of(),
                JobObservation.of(
                    job("Complete", null),
                    List.of(jobPod(true, 0, REPORT_OK)),
                    List.of(jobPod(true, 0, REPORT_OK)),
                    null),
                ourLock("r1")));
    assertThat(done.run().getStep()).isEqualTo(GcRunStep.Restoring);
    assertThat(done.run().getOutcome().getResult()).isEqualTo(GcRunResult.Succeeded);
    assertThat(done.run().getOutcome().getReclaimedBytes()).isEqualTo(3000L);

    GcRun.Advance release =
        GcRun.advance(
            schedule,
            done.run(),
            seen(
                T0.plusSeconds(31),
                r,
                List.of(),
                JobObservation.of(
                    job("Complete", null),
                    List.of(jobPod(true, 0, REPORT_OK)),
                    List.of(jobPod(true, 0, REPORT_OK)),
                    null),
                ourLock("r1")));
    assertThat(release.actions())
        .filteredOn(a -> a instanceof GcRun.ReleaseLock)
        .singleElement()
        .satisfies(
            a -> assertThat(((GcRun.ReleaseLock) a).record().getReclaimedBytes()).isEqualTo(3000L));
  }

  @Test
  void aDeletedJobWithATerminatingPodKeepsTheLock() {
    Registry r = registryInMaintenance(true, GcRun.holder(schedule));
    GcRun.Advance deleted =
        GcRun.advance(
            schedule,
            collecting(),
            seen(
                T0.plusSeconds(20),
                r,
                List.of(),
                JobObservation.absent(List.of(jobPod(false, 0, null))),
                ourLock("r1")));
    assertThat(deleted.run().getOutcome().getReason()).isEqualTo("JobDeleted");

    GcRun.Advance waiting =
        GcRun.advance(
            schedule,
            deleted.run(),
            seen(
                T0.plusSeconds(21),
                r,
                List.of(),
                JobObservation.absent(List.of(jobPod(false, 0, null))),
                ourLock("r1")));
    assertThat(waiting.actions()).noneMatch(a -> a instanceof GcRun.ReleaseLock);
    assertThat(waiting.run().getMessage()).contains("1 GC pod(s) to terminate");

    GcRun.Advance gone =
        GcRun.advance(
            schedule,
            deleted.run(),
            seen(
                T0.plusSeconds(25), r, List.of(), JobObservation.absent(List.of()), ourLock("r1")));
    assertThat(gone.actions()).anyMatch(a -> a instanceof GcRun.ReleaseLock);
  }

  @Test
  void aDeletedScheduleStopsItsJobThenReleasesTheLockThroughTheRestoreStep() {
    Registry r = registryInMaintenance(true, GcRun.holder(schedule));
    JobObservation running =
        JobObservation.of(
            job(null, null),
            List.of(jobPod(false, 0, null)),
            List.of(jobPod(false, 0, null)),
            null);

    GcRun.Abandoned stopping =
        GcRun.abandon(
            schedule, collecting(), seen(T0.plusSeconds(20), r, List.of(), running, ourLock("r1")));
    assertThat(stopping.serviceGivenBack()).isFalse();
    assertThat(stopping.actions()).containsExactly(new GcRun.DeleteJob(collecting().getJobName()));

    GcRun.Abandoned podStopping =
        GcRun.abandon(
            schedule,
            collecting(),
            seen(
                T0.plusSeconds(21),
                r,
                List.of(),
                JobObservation.absent(List.of(jobPod(false, 0, null))),
                ourLock("r1")));
    assertThat(podStopping.serviceGivenBack()).isFalse();
    assertThat(podStopping.actions()).isEmpty();

    GcRun.Abandoned released =
        GcRun.abandon(
            schedule,
            collecting(),
            seen(
                T0.plusSeconds(25), r, List.of(), JobObservation.absent(List.of()), ourLock("r1")));
    assertThat(released.serviceGivenBack()).isTrue();
    assertThat(released.actions())
        .filteredOn(a -> a instanceof GcRun.ReleaseLock)
        .singleElement()
        .satisfies(
            a -> assertThat(((GcRun.ReleaseLock) a).record().getResult()).isEqualTo("Failed"));
    assertThat(released.actions())
        .filteredOn(a -> a instanceof GcRun.Announce)
        .singleElement()
        .satisfies(
            a -> {
              GcRun.Announce e = (GcRun.Announce) a;
              assertThat(e.warning()).isTrue();
              assertThat(e.reason()).isEqualTo(GcReason.RunFailed);
              assertThat(e.message()).startsWith("ScheduleDeleted: ").contains("r1");
            });

    // the lock is no longer this run's (released before, or taken over): nothing is left to give
    // back
    GcRun.Abandoned notHeld =
        GcRun.abandon(
            schedule,
            collecting(),
            seen(T0.plusSeconds(26), r, List.of(), JobObservation.absent(List.of()), null));
    assertThat(notHeld.serviceGivenBack()).isTrue();
    assertThat(notHeld.actions()).noneMatch(a -> a instanceof GcRun.ReleaseLock);
  }

  @Test
  void runnerRefusalIsAFailedRunWithTheRunnersMessage() {
    String refused =
        "{\"version\":1,\"result\":\"Refused\",\"exitCode\":4,\"message\":\"refused: library/app:v1 is a tagged index whose children would be deleted\"}";
    Registry r = registryInMaintenance(true, GcRun.holder(schedule));
    GcRun.Advance next =
        GcRun.advance(
            schedule,
            collecting(),
            seen(
                T0.plusSeconds(30),
                r,
                List.of(),
                JobObservation.of(
                    job("Failed", "BackoffLimitExceeded"),
                    List.of(jobPod(true, 4, refused)),
                    List.of(jobPod(true, 4, refused)),
                    null),
                ourLock("r1")));

    assertThat(next.run().getOutcome().getResult()).isEqualTo(GcRunResult.Failed);
    assertThat(next.run().getOutcome().getReason()).isEqualTo("PreflightRefused");
    assertThat(next.run().getOutcome().getMessage()).contains("library/app:v1");
  }

  @Test
  void deadlineExceededAndACrashWithoutReportAreFailures() {
    Registry r = registryInMaintenance(true, GcRun.holder(schedule));
    GcRun.Advance deadline =
        GcRun.advance(
            schedule,
            collecting(),
            seen(
                T0.plusSeconds(30),
                r,
                List.of(),
                JobObservation.of(job("Failed", "DeadlineExceeded"), List.of(), List.of(), null),
                ourLock("r1")));
    assertThat(deadline.run().getOutcome().getReason()).isEqualTo("DeadlineExceeded");

    GcRun.Advance crash =
        GcRun.advance(
            schedule,
            collecting(),
            seen(
                T0.plusSeconds(30),
                r,
                List.of(),
                JobObservation.of(
                    job("Failed", "BackoffLimitExceeded"),
                    List.of(jobPod(true, 137, "java.lang.OutOfMemoryError")),
                    List.of(jobPod(true, 137, "java.lang.OutOfMemoryError")),
                    null),
                ourLock("r1")));
    assertThat(crash.run().getOutcome().getReason()).isEqualTo("JobFailed");
    assertThat(crash.run().getOutcome().getMessage())
        .contains("exited with code 137")
        .contains("OutOfMemoryError");

    // the operator's own watchdog, when no Job controller enforces the deadline
    GcRun.Advance watchdog =
        GcRun.advance(
            schedule,
            collecting(),
            seen(
                T0.plus(Duration.ofMinutes(33)),
                r,
                List.of(),
                JobObservation.of(
                    job(null, null),
                    List.of(jobPod(false, 0, null)),
                    List.of(jobPod(false, 0, null)),
                    null),
                ourLock("r1")));
    assertThat(watchdog.actions()).anyMatch(a -> a instanceof GcRun.DeleteJob);
    assertThat(watchdog.run().getOutcome().getReason()).isEqualTo("DeadlineExceeded");
  }

  @Test
  void registrySpecChangeStopsTheJob() {
    Registry changed = registryInMaintenance(true, GcRun.holder(schedule));
    changed.getMetadata().setGeneration(2L);
    GcRun.Advance next =
        GcRun.advance(
            schedule,
            collecting(),
            seen(
                T0.plusSeconds(30),
                changed,
                List.of(),
                JobObservation.of(
                    job(null, null),
                    List.of(jobPod(false, 0, null)),
                    List.of(jobPod(false, 0, null)),
                    null),
                ourLock("r1")));

    assertThat(next.actions()).anyMatch(a -> a instanceof GcRun.DeleteJob);
    assertThat(next.run().getOutcome().getReason()).isEqualTo("RegistrySpecChanged");
    assertThat(next.run().getStep()).isEqualTo(GcRunStep.Restoring);
  }

  @Test
  void finishesOnlyWhenTheRegistryServesWritesAgain() {
    GcRunStatus restoring = collecting();
    restoring.setStep(GcRunStep.Restoring);
    restoring.setOutcome(new GcRunOutcome(GcRunResult.Succeeded, "Collected", "ok"));
    restoring.getOutcome().setReclaimedBytes(3000L);
    restoring.setRestoreRequestedTime("2026-11-24T03:01:00Z");

    Registry rolling = Registries.withPvc("images", "1Gi");
    rolling.setStatus(new RegistryStatus());
    rolling
        .getStatus()
        .setConditions(Conditions.set(null, "Ready", false, "RollingOut", "1 of 1", 1L, T0));
    LastGarbageCollection last = new LastGarbageCollection();
    last.setTime("2026-11-24T03:01:00Z");
    rolling.getStatus().setLastGarbageCollection(last);
    assertThat(
            GcRun.advance(
                    schedule,
                    restoring,
                    seen(
                        T0.plusSeconds(65),
                        rolling,
                        List.of(),
                        JobObservation.absent(List.of()),
                        null))
                .finished())
        .isNull();

    Registry ready = Registries.withPvc("images", "1Gi");
    ready.setStatus(new RegistryStatus());
    ready
        .getStatus()
        .setConditions(Conditions.set(null, "Ready", true, "Available", "1 pods", 1L, T0));
    ready.getStatus().setLastGarbageCollection(last);
    GcRun.Advance done =
        GcRun.advance(
            schedule,
            restoring,
            seen(T0.plusSeconds(70), ready, List.of(), JobObservation.absent(List.of()), null));
    assertThat(done.run()).isNull();
    assertThat(done.finished().getResult()).isEqualTo(GcRunResult.Succeeded);
    // at most 70 s from the request (the read-only pods' start counted); 60 s with no writable pod
    // left
    assertThat(done.finished().getWriteUnavailableSeconds()).isEqualTo(70L);
    assertThat(done.finished().getWritesRefusedSeconds()).isEqualTo(60L);
    assertThat(done.finished().getReclaimed()).isEqualTo("2.9 KiB");
  }

  /**
   * Found by the torture test (seed 145): the lock was replaced away just before the release, so no
   * record was left for the Registry reconciler to copy, and the run waited for it forever in
   * Restoring. A record that is not on the Registry cannot be waited for; the Ready condition
   * decides.
   */
  @Test
  void aReleaseWhoseRecordIsNotOnTheRegistryFinishesOnceTheRegistryIsReady() {
    GcRunStatus restoring = collecting();
    restoring.setStep(GcRunStep.Restoring);
    restoring.setOutcome(new GcRunOutcome(GcRunResult.Failed, "RegistrySpecChanged", "changed"));
    restoring.setRestoreRequestedTime("2026-11-24T03:01:00Z");

    Registry pending = Registries.withPvc("images", "1Gi");
    pending.setStatus(new RegistryStatus());
    pending
        .getStatus()
        .setConditions(Conditions.set(null, "Ready", true, "AvailableReadOnly", "2 pods", 2L, T0));
    pending
        .getMetadata()
        .setAnnotations(
            Map.of(
                GcRecord.ANNOTATION,
                new GcRecord("2026-11-24T03:01:00Z", "Failed", null, "nightly").toJson()));
    assertThat(
            GcRun.advance(
                    schedule,
                    restoring,
                    seen(
                        T0.plusSeconds(65),
                        pending,
                        List.of(),
                        JobObservation.absent(List.of()),
                        null))
                .finished())
        .as("the record is on the Registry, and its reconciler has not copied it yet")
        .isNull();

    Registry lost = Registries.withPvc("images", "1Gi");
    lost.setStatus(pending.getStatus());
    GcRun.Advance done =
        GcRun.advance(
            schedule,
            restoring,
            seen(T0.plusSeconds(70), lost, List.of(), JobObservation.absent(List.of()), null));
    assertThat(done.run()).isNull();
    assertThat(done.finished().getReason()).isEqualTo("RegistrySpecChanged");
  }

  /**
   * Torture seed 36: the Registry was replaced while a leader had just created the run's collect
   * Job, which the status never named; the run ended holding no lock. Before it ends, the restore
   * step asks for the run's stray Jobs to be stopped (the actions stop there while one is live).
   */
  @Test
  void aRunThatHoldsNoLockStillStopsItsStrayJobsBeforeItEnds() {
    GcRunStatus restoring = collecting();
    restoring.setStep(GcRunStep.Restoring);
    restoring.setJobName(null);
    restoring.setOutcome(new GcRunOutcome(GcRunResult.Failed, "RegistryReplaced", "replaced"));
    GcRun.Advance done =
        GcRun.advance(
            schedule,
            restoring,
            seen(T0.plusSeconds(5), null, List.of(), JobObservation.absent(List.of()), null));
    assertThat(done.finished()).isNotNull();
    assertThat(done.actions()).first().isInstanceOf(GcRun.StopStrayJobs.class);
  }

  @Test
  void previewBelowThresholdSkipsWithoutEverTakingTheLock() {
    schedule.getSpec().setMinReclaimableBytes(1_000_000L);
    GcRunStatus run = GcRun.start(schedule.getSpec(), registry, "r1", GcRunTrigger.Schedule, T0);
    assertThat(run.getStep()).isEqualTo(GcRunStep.Preview);

    GcRun.Advance created =
        GcRun.advance(
            schedule,
            run,
            seen(T0, registry, List.of(pod(false, false)), JobObservation.absent(List.of()), null));
    assertThat(created.actions())
        .filteredOn(a -> a instanceof GcRun.CreateJob)
        .singleElement()
        .satisfies(
            a -> {
              Job job = ((GcRun.CreateJob) a).job();
              assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                  .contains("--dry-run");
              // the registry keeps running on the single-node volume: the preview must share its
              // node
              assertThat(job.getSpec().getTemplate().getSpec().getAffinity().getPodAffinity())
                  .isNotNull();
            });

    GcRun.Advance measured =
        GcRun.advance(
            schedule,
            created.run(),
            seen(
                T0.plusSeconds(5),
                registry,
                List.of(pod(false, false)),
                JobObservation.of(
                    job("Complete", null),
                    List.of(jobPod(true, 0, REPORT_OK)),
                    List.of(jobPod(true, 0, REPORT_OK)),
                    null),
                null));
    assertThat(measured.actions()).noneMatch(a -> a instanceof GcRun.AcquireLock);
    assertThat(measured.run().getOutcome().getResult()).isEqualTo(GcRunResult.Skipped);
    assertThat(measured.run().getOutcome().getReason()).isEqualTo("BelowThreshold");

    GcRun.Advance done =
        GcRun.advance(
            schedule,
            measured.run(),
            seen(
                T0.plusSeconds(6),
                registry,
                List.of(pod(false, false)),
                JobObservation.absent(List.of()),
                null));
    assertThat(done.finished().getResult()).isEqualTo(GcRunResult.Skipped);
    assertThat(done.finished().getEligibleBytes()).isEqualTo(3000L);
    assertThat(done.finished().getWriteUnavailableSeconds()).isZero();
    assertThat(done.finished().getWritesRefusedSeconds()).isZero();
  }

  @Test
  void previewAboveThresholdGoesOnToQuiesce() {
    schedule.getSpec().setMinReclaimableBytes(1000L);
    GcRunStatus run = GcRun.start(schedule.getSpec(), registry, "r1", GcRunTrigger.Schedule, T0);
    run.setJobName("nightly-abcde-r1-preview");
    GcRun.Advance next =
        GcRun.advance(
            schedule,
            run,
            seen(
                T0.plusSeconds(5),
                registry,
                List.of(pod(false, false)),
                JobObservation.of(
                    job("Complete", null),
                    List.of(jobPod(true, 0, REPORT_OK)),
                    List.of(jobPod(true, 0, REPORT_OK)),
                    null),
                null));

    assertThat(next.run().getStep()).isEqualTo(GcRunStep.Quiescing);
    assertThat(next.actions()).anyMatch(a -> a instanceof GcRun.AcquireLock);
  }

  @Test
  void aDryRunNeverTakesTheLock() {
    schedule.getSpec().setDryRun(true);
    GcRunStatus run = GcRun.start(schedule.getSpec(), registry, "r1", GcRunTrigger.Manual, T0);
    GcRun.Advance created =
        GcRun.advance(
            schedule,
            run,
            seen(T0, registry, List.of(pod(false, false)), JobObservation.absent(List.of()), null));

    assertThat(created.actions()).noneMatch(a -> a instanceof GcRun.AcquireLock);
    assertThat(created.actions())
        .filteredOn(a -> a instanceof GcRun.CreateJob)
        .singleElement()
        .satisfies(
            a ->
                assertThat(
                        ((GcRun.CreateJob) a)
                            .job()
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getArgs())
                    .contains("--dry-run"));
  }

  @Test
  void aFinishedDryRunIsAnnouncedAsDryRunCompletedNotCollected() {
    schedule.getSpec().setDryRun(true);
    GcRunStatus run = GcRun.start(schedule.getSpec(), registry, "r1", GcRunTrigger.Manual, T0);
    run.setJobName("nightly-abcde-r1");
    String report =
        "{\"version\":2,\"result\":\"Succeeded\",\"exitCode\":0,\"dryRun\":true,\"storageDriver\":\"filesystem\",\"bytesMeasured\":true,\"blobsEligible\":3,\"eligibleBytes\":3000}";
    GcRun.Advance done =
        GcRun.advance(
            schedule,
            run,
            seen(
                T0.plusSeconds(30),
                registry,
                List.of(pod(false, false)),
                JobObservation.of(
                    job("Complete", null),
                    List.of(jobPod(true, 0, report)),
                    List.of(jobPod(true, 0, report)),
                    null),
                null));

    assertThat(done.run().getOutcome().getReason()).isEqualTo("DryRunCompleted");
    assertThat(done.actions())
        .filteredOn(a -> a instanceof GcRun.Announce)
        .singleElement()
        .satisfies(
            a -> assertThat(((GcRun.Announce) a).reason()).isEqualTo(GcReason.DryRunCompleted));
    assertThat(done.run().getOutcome().getMessage())
        .isEqualTo("dry run: 2.9 KiB in 3 blobs would be freed");
  }

  @Test
  void aRunOnS3StorageSaysBytesWereNotMeasuredAndIntegrityNotChecked() {
    String s3 =
        "{\"version\":2,\"result\":\"Succeeded\",\"exitCode\":0,\"storageDriver\":\"s3\",\"bytesMeasured\":false,\"blobsEligible\":3,\"eligibleBytes\":0,\"blobsDeleted\":3,\"manifestsDeleted\":1,\"reclaimedBytes\":0,\"integrity\":{\"checked\":false,\"manifests\":0,\"blobs\":0,\"missing\":0,\"missingDigests\":[]}}";
    Registry r = registryInMaintenance(true, GcRun.holder(schedule));
    GcRun.Advance done =
        GcRun.advance(
            schedule,
            collecting(),
            seen(
                T0.plusSeconds(30),
                r,
                List.of(),
                JobObservation.of(
                    job("Complete", null),
                    List.of(jobPod(true, 0, s3)),
                    List.of(jobPod(true, 0, s3)),
                    null),
                ourLock("r1")));

    GcRunOutcome outcome = done.run().getOutcome();
    assertThat(outcome.getMessage())
        .isEqualTo(
            "deleted 3 blobs and 1 manifests (bytes not measured on S3 storage); integrity not checked on S3 storage");
    assertThat(outcome.getBytesMeasured()).isFalse();
    assertThat(outcome.getBlobsDeleted()).isEqualTo(3);
  }

  @Test
  void theReportsFiguresReachTheOutcomeTheRecordAndTheRegistry() {
    String report =
        "{\"version\":2,\"result\":\"Succeeded\",\"exitCode\":0,\"blobsMarked\":30,\"blobsDeleted\":3,\"reclaimedBytes\":3000}";
    Registry r = registryInMaintenance(true, GcRun.holder(schedule));
    GcRun.Advance done =
        GcRun.advance(
            schedule,
            collecting(),
            seen(
                T0.plusSeconds(30),
                r,
                List.of(),
                JobObservation.of(
                    job("Complete", null),
                    List.of(jobPod(true, 0, report)),
                    List.of(jobPod(true, 0, report)),
                    null),
                ourLock("r1")));
    GcRun.Advance release =
        GcRun.advance(
            schedule,
            done.run(),
            seen(
                T0.plusSeconds(31),
                r,
                List.of(),
                JobObservation.of(
                    job("Complete", null),
                    List.of(jobPod(true, 0, report)),
                    List.of(jobPod(true, 0, report)),
                    null),
                ourLock("r1")));

    assertThat(done.run().getOutcome().getBlobsMarked()).isEqualTo(30L);
    assertThat(release.actions())
        .filteredOn(a -> a instanceof GcRun.ReleaseLock)
        .singleElement()
        .satisfies(
            a ->
                assertThat(((GcRun.ReleaseLock) a).record().toStatus().getBlobsMarked())
                    .isEqualTo(30L));
  }

  @Test
  void integrityIsVerifiedInStatusOnlyWhenTheRunnerCheckedIt() {
    String checked =
        "{\"version\":2,\"result\":\"Succeeded\",\"exitCode\":0,\"storageDriver\":\"filesystem\",\"bytesMeasured\":true,\"blobsDeleted\":3,\"manifestsDeleted\":1,\"reclaimedBytes\":3000,\"integrity\":{\"checked\":true,\"manifests\":4,\"blobs\":9,\"missing\":0,\"missingDigests\":[]}}";
    Registry r = registryInMaintenance(true, GcRun.holder(schedule));
    GcRun.Advance verified =
        GcRun.advance(
            schedule,
            collecting(),
            seen(
                T0.plusSeconds(30),
                r,
                List.of(),
                JobObservation.of(
                    job("Complete", null),
                    List.of(jobPod(true, 0, checked)),
                    List.of(jobPod(true, 0, checked)),
                    null),
                ourLock("r1")));
    GcRun.Advance unchecked =
        GcRun.advance(
            schedule,
            collecting(),
            seen(
                T0.plusSeconds(30),
                r,
                List.of(),
                JobObservation.of(
                    job("Complete", null),
                    List.of(jobPod(true, 0, REPORT_OK)),
                    List.of(jobPod(true, 0, REPORT_OK)),
                    null),
                ourLock("r1")));

    assertThat(verified.run().getOutcome().getMessage())
        .isEqualTo(
            "reclaimed 2.9 KiB (3 blobs, 1 manifests); integrity verified (4 manifests, 9 blobs)");
    assertThat(unchecked.run().getOutcome().getMessage()).endsWith("; integrity not checked");
  }

  @Test
  void aGcPodThatCannotJoinTheRegistrysNodeFailsTheRunSayingWhy() {
    Registry r = registryInMaintenance(true, GcRun.holder(schedule));
    Pod pending =
        new PodBuilder()
            .withNewMetadata()
            .withName("job-pod")
            .endMetadata()
            .withNewStatus()
            .withPhase("Pending")
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("False")
            .withReason("Unschedulable")
            .withLastTransitionTime(T0.plusSeconds(10).toString())
            .endCondition()
            .endStatus()
            .build();
    JobObservation job =
        JobObservation.of(job(null, null), List.of(pending), List.of(pending), null);

    GcRun.Advance waiting =
        GcRun.advance(
            schedule, collecting(), seen(T0.plusSeconds(60), r, List.of(), job, ourLock("r1")));
    assertThat(waiting.run().getStep()).isEqualTo(GcRunStep.Collecting);

    GcRun.Advance failed =
        GcRun.advance(
            schedule, collecting(), seen(T0.plusSeconds(200), r, List.of(), job, ourLock("r1")));
    assertThat(failed.actions()).anyMatch(a -> a instanceof GcRun.DeleteJob);
    assertThat(failed.run().getOutcome().getReason()).isEqualTo("Unschedulable");
    assertThat(failed.run().getOutcome().getMessage())
        .contains("ReadWriteOnce")
        .contains("node of the registry's pods");
    // the pending pod never ran, but the Job is stopped before the lock goes
    GcRun.Advance restoring =
        GcRun.advance(
            schedule, failed.run(), seen(T0.plusSeconds(201), r, List.of(), job, ourLock("r1")));
    assertThat(restoring.actions())
        .anyMatch(a -> a instanceof GcRun.DeleteJob)
        .noneMatch(a -> a instanceof GcRun.ReleaseLock);
  }

  // Issue 9: a run keeps its promises whatever happens to the spec meanwhile.

  private static List<String> jobArgs(GcRun.Advance next) {
    return next.actions().stream()
        .filter(a -> a instanceof GcRun.CreateJob)
        .map(a -> (GcRun.CreateJob) a)
        .findFirst()
        .orElseThrow()
        .job()
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getArgs();
  }

  @Test
  void aDryRunFlippedToARealRunBeforeItsJobExistsStillCreatesADryRunJob() {
    schedule.getSpec().setDryRun(true);
    GcRunStatus run = GcRun.start(schedule.getSpec(), registry, "r1", GcRunTrigger.Manual, T0);
    schedule.getSpec().setDryRun(false); // the user's edit lands before the Job is created

    GcRun.Advance next =
        GcRun.advance(
            schedule,
            run,
            seen(T0, registry, List.of(pod(false, false)), JobObservation.absent(List.of()), null));

    assertThat(jobArgs(next)).contains("--dry-run");
    assertThat(next.actions())
        .filteredOn(a -> a instanceof GcRun.CreateJob)
        .singleElement()
        .satisfies(a -> assertThat(((GcRun.CreateJob) a).collect()).isFalse());
    assertThat(next.actions()).noneMatch(a -> a instanceof GcRun.AcquireLock);
  }

  @Test
  void theRunStaysBoundToTheRegistryItLockedWhateverRegistryRefSaysNow() {
    GcRunStatus run = GcRun.start(schedule.getSpec(), registry, "r1", GcRunTrigger.Manual, T0);
    schedule.getSpec().setRegistryRef(new GcScheduleSpec.RegistryRef("other"));
    schedule.getSpec().setMode(MaintenanceMode.ScaleToZero);
    schedule.getSpec().setDeleteUntagged(true);

    GcRun.Advance lock =
        GcRun.advance(
            schedule,
            run,
            seen(T0, registry, List.of(pod(false, false)), JobObservation.absent(List.of()), null));
    assertThat(lock.actions())
        .filteredOn(a -> a instanceof GcRun.AcquireLock)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(((GcRun.AcquireLock) a).registry()).isEqualTo("images");
              assertThat(((GcRun.AcquireLock) a).request().mode())
                  .isEqualTo(MaintenanceMode.ReadOnly);
              assertThat(((GcRun.AcquireLock) a).request().holderUid()).isEqualTo("abcdef12-0000");
            });
    GcRun.Advance collect =
        GcRun.advance(
            schedule,
            lock.run(),
            seen(
                T0.plusSeconds(5),
                registryInMaintenance(true, GcRun.holder(schedule)),
                List.of(pod(true, false)),
                JobObservation.absent(List.of()),
                ourLock("r1")));
    assertThat(jobArgs(collect)).doesNotContain("--delete-untagged", "--dry-run");

    GcRunStatus restoring = collecting();
    restoring.setStep(GcRunStep.Restoring);
    restoring.setOutcome(new GcRunOutcome(GcRunResult.Succeeded, "Collected", "ok"));
    GcRun.Advance release =
        GcRun.advance(
            schedule,
            restoring,
            seen(
                T0.plusSeconds(40),
                registryInMaintenance(true, GcRun.holder(schedule)),
                List.of(),
                JobObservation.absent(List.of()),
                ourLock("r1")));
    assertThat(release.actions())
        .filteredOn(a -> a instanceof GcRun.ReleaseLock)
        .singleElement()
        .satisfies(a -> assertThat(((GcRun.ReleaseLock) a).registry()).isEqualTo("images"));
  }

  @Test
  void durationsMadeInvalidMidRunNeverBlockTheRestore() {
    GcRunStatus restoring = collecting();
    restoring.setStep(GcRunStep.Restoring);
    restoring.setOutcome(new GcRunOutcome(GcRunResult.Failed, "JobFailed", "boom"));
    schedule.getSpec().setQuiesceTimeout("");
    schedule.getSpec().setMaxDuration("0s");
    schedule.getSpec().setRegistryRef(null);

    GcRun.Advance slow =
        GcRun.advance(
            schedule,
            restoring,
            seen(
                T0.plus(Duration.ofMinutes(10)),
                registryInMaintenance(true, GcRun.holder(schedule)),
                List.of(),
                JobObservation.absent(List.of(jobPod(false, 0, null))),
                ourLock("r1")));
    assertThat(slow.actions())
        .anyMatch(a -> a instanceof GcRun.Announce an && an.reason() == GcReason.RestoreSlow);

    GcRun.Advance release =
        GcRun.advance(
            schedule,
            restoring,
            seen(
                T0.plus(Duration.ofMinutes(11)),
                registryInMaintenance(true, GcRun.holder(schedule)),
                List.of(),
                JobObservation.absent(List.of()),
                ourLock("r1")));
    assertThat(release.actions()).anyMatch(a -> a instanceof GcRun.ReleaseLock);
  }

  @Test
  void aLockRemovedOrChangedWhileCollectingStopsTheJobAndFails() {
    Registry r = registryInMaintenance(true, GcRun.holder(schedule));
    JobObservation running =
        JobObservation.of(
            job(null, null),
            List.of(jobPod(false, 0, null)),
            List.of(jobPod(false, 0, null)),
            null);
    MaintenanceRequest otherRun =
        new MaintenanceRequest(
            GcRun.holder(schedule), "r0", MaintenanceMode.ReadOnly, T0.toString());
    MaintenanceRequest otherSchedule =
        new MaintenanceRequest(
            GcRun.holder(schedule), "other-uid", "r1", MaintenanceMode.ReadOnly, T0.toString());
    for (MaintenanceRequest lock : java.util.Arrays.asList(null, otherRun, otherSchedule)) {
      GcRun.Advance next =
          GcRun.advance(
              schedule, collecting(), seen(T0.plusSeconds(20), r, List.of(), running, lock));
      assertThat(next.actions()).as("lock %s", lock).anyMatch(a -> a instanceof GcRun.DeleteJob);
      assertThat(next.run().getOutcome().getReason()).isEqualTo("LockLost");
      assertThat(next.run().getStep()).isEqualTo(GcRunStep.Restoring);
    }
  }

  @Test
  void aRegistryCreatedAgainWithTheSameNameIsNotTheLockedOne() {
    GcRunStatus run = collecting();
    run.setPlan(GcRunPlan.of(schedule.getSpec(), registry));
    Registry again = registryInMaintenance(true, GcRun.holder(schedule));
    again.getMetadata().setUid("another-uid");
    JobObservation running =
        JobObservation.of(
            job(null, null),
            List.of(jobPod(false, 0, null)),
            List.of(jobPod(false, 0, null)),
            null);

    GcRun.Advance next =
        GcRun.advance(
            schedule, run, seen(T0.plusSeconds(20), again, List.of(), running, ourLock("r1")));

    assertThat(next.actions()).anyMatch(a -> a instanceof GcRun.DeleteJob);
    assertThat(next.run().getOutcome().getReason()).isEqualTo("RegistryReplaced");
    // the new Registry's lock (even one that looks like ours) is never released by this run
    GcRun.Advance restore =
        GcRun.advance(
            schedule,
            next.run(),
            seen(
                T0.plusSeconds(25),
                again,
                List.of(),
                JobObservation.absent(List.of()),
                ourLock("r1")));
    assertThat(restore.actions()).noneMatch(a -> a instanceof GcRun.ReleaseLock);
    assertThat(restore.finished()).isNotNull();
  }

  @Test
  void aLockTakenAgainInTheSameRunKeepsWhenWritesFirstStopped() {
    GcRunStatus run = GcRun.start(schedule.getSpec(), registry, "r1", GcRunTrigger.Manual, T0);
    GcRun.Advance first =
        GcRun.advance(
            schedule,
            run,
            seen(T0, registry, List.of(pod(false, false)), JobObservation.absent(List.of()), null));
    // the lock vanished (a replace) before the window was in effect: it is taken again
    GcRun.Advance again =
        GcRun.advance(
            schedule,
            first.run(),
            seen(
                T0.plusSeconds(30),
                registry,
                List.of(pod(false, false)),
                JobObservation.absent(List.of()),
                null));

    assertThat(again.actions())
        .filteredOn(a -> a instanceof GcRun.AcquireLock)
        .singleElement()
        .satisfies(
            a ->
                assertThat(((GcRun.AcquireLock) a).request().since())
                    .isEqualTo(Conditions.format(T0)));
    assertThat(again.run().getWritesStoppedTime()).isEqualTo(Conditions.format(T0));
  }

  @Test
  void aJobWithoutAPodPastPodStartTimeoutFailsWithTheJobsFailedCreateMessage() {
    Registry r = registryInMaintenance(true, GcRun.holder(schedule));
    String quota =
        "Error creating: pods \"nightly-abcde-r1-x\" is forbidden: exceeded quota: gc, requested: memory=256Mi, used: memory=1Gi, limited: memory=1Gi";
    JobObservation podless = JobObservation.of(job(null, null), List.of(), List.of(), quota);

    GcRun.Advance early =
        GcRun.advance(
            schedule, collecting(), seen(T0.plusSeconds(60), r, List.of(), podless, ourLock("r1")));
    assertThat(early.run().getStep()).isEqualTo(GcRunStep.Collecting);

    GcRun.Advance late =
        GcRun.advance(
            schedule,
            collecting(),
            seen(T0.plusSeconds(10 + 121), r, List.of(), podless, ourLock("r1")));
    assertThat(late.run().getOutcome().getReason()).isEqualTo("PodNotCreated");
    assertThat(late.run().getOutcome().getMessage()).contains("exceeded quota");
    assertThat(late.actions()).anyMatch(a -> a instanceof GcRun.DeleteJob);
  }

  @Test
  void aJobTheApiRefusedFailsTheRunWhichThenRestores() {
    GcRun.Advance rejected =
        GcRun.rejected(
            collecting(),
            "nightly-abcde-r1",
            "HTTP 403: admission webhook \"policy\" denied the request",
            T0.plusSeconds(11));
    assertThat(rejected.run().getStep()).isEqualTo(GcRunStep.Restoring);
    assertThat(rejected.run().getOutcome().getReason()).isEqualTo("JobRejected");
    assertThat(rejected.run().getOutcome().getMessage()).contains("denied the request");
    assertThat(rejected.actions()).anyMatch(a -> a instanceof GcRun.Announce an && an.warning());
  }

  @Test
  void aRunWithoutAPlanRecoversOneFromAnyFormOfTheSpecAndCanStillRestore() {
    GcScheduleSpec broken = new GcScheduleSpec();
    broken.setRegistryRef(new GcScheduleSpec.RegistryRef("images"));
    broken.setQuiesceTimeout("");
    broken.setMaxDuration("soon");

    GcRunPlan plan = GcRunPlan.recover(broken, null);

    assertThat(plan.getRegistry()).isEqualTo("images");
    assertThat(plan.quiesceTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(plan.maxDuration()).isEqualTo(Duration.ofHours(1));
    assertThat(GcRunPlan.recover(null, registry).getRegistry()).isEqualTo("images");
    GcRunStatus restoring = collecting();
    restoring.setPlan(plan);
    restoring.setStep(GcRunStep.Restoring);
    restoring.setOutcome(new GcRunOutcome(GcRunResult.Failed, "JobFailed", "boom"));
    GcRun.Advance release =
        GcRun.advance(
            schedule,
            restoring,
            seen(
                T0.plusSeconds(40),
                registryInMaintenance(true, GcRun.holder(schedule)),
                List.of(),
                JobObservation.absent(List.of()),
                ourLock("r1")));
    assertThat(release.actions()).anyMatch(a -> a instanceof GcRun.ReleaseLock);
  }

  @Test
  void aJobReportedRefusedThatTheApiCreatedAfterAllIsStoppedBeforeTheLockGoes() {
    GcRun.Advance rejected =
        GcRun.rejected(collecting(), "nightly-abcde-r1", "HTTP 403: denied", T0.plusSeconds(11));
    Registry r = registryInMaintenance(true, GcRun.holder(schedule));
    JobObservation created = JobObservation.of(job(null, null), List.of(), List.of(), null);

    GcRun.Advance restore =
        GcRun.advance(
            schedule,
            rejected.run(),
            seen(T0.plusSeconds(12), r, List.of(), created, ourLock("r1")));

    assertThat(restore.actions())
        .anyMatch(a -> a instanceof GcRun.DeleteJob d && d.name().equals("nightly-abcde-r1"));
    assertThat(restore.actions()).noneMatch(a -> a instanceof GcRun.ReleaseLock);
  }
}
