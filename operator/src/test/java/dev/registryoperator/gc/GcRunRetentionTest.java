package dev.registryoperator.gc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gcreport.retention.RetentionRule;
import dev.registryoperator.registry.MaintenanceMode;
import dev.registryoperator.registry.MaintenanceRequest;
import dev.registryoperator.registry.MaintenanceStatus;
import dev.registryoperator.registry.PodCensus;
import dev.registryoperator.registry.Registries;
import dev.registryoperator.registry.Registry;
import dev.registryoperator.registry.RegistryStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A run with retention rules: first a Pruning step (a dry-run Job that decides, the registry still
 * writable), then the usual window, where the collect Job decides again and deletes.
 */
class GcRunRetentionTest {
  private static final Instant T0 = Instant.parse("2026-11-24T03:00:00Z");
  private static final List<RetentionRule> KEEP_10 =
      List.of(new RetentionRule(null, null, null, null, 10, null));
  private static final String PLAN_REPORT =
      "{\"version\":2,\"result\":\"Succeeded\",\"exitCode\":0,\"dryRun\":true,"
          + "\"message\":\"12 tags and 9 manifests to delete (3.0 kB); 1 tag protected by workloads\","
          + "\"tagsDeleted\":12,\"retentionManifestsDeleted\":9,\"retentionBytes\":3000,\"tagsProtected\":1}";
  private static final String COLLECT_REPORT =
      "{\"version\":2,\"result\":\"Succeeded\",\"exitCode\":0,\"message\":\"ok\","
          + "\"bytesMeasured\":true,\"eligibleBytes\":5000,\"reclaimedBytes\":5000,\"blobsDeleted\":7,"
          + "\"tagsDeleted\":12,\"retentionManifestsDeleted\":9,\"retentionBytes\":3000,\"tagsProtected\":1,"
          + "\"integrity\":{\"checked\":true,\"manifests\":3,\"blobs\":6,\"missing\":0,\"missingDigests\":[]}}";

  private final GcSchedule schedule = GcRunTest.schedule(MaintenanceMode.ReadOnly);
  private final Registry registry = Registries.withPvc("images", "1Gi");

  private GcRun.Observation seen(Instant now, Registry r, List<Pod> pods, JobObservation job) {
    MaintenanceRequest lock =
        new MaintenanceRequest(
            GcRun.holder(schedule), "r1", MaintenanceMode.ReadOnly, T0.toString());
    boolean locked = r.getStatus() != null && r.getStatus().getMaintenance() != null;
    return new GcRun.Observation(
        now, r, PodCensus.of(pods, null), job, locked ? Optional.of(lock) : Optional.empty(), null);
  }

  private static JobObservation finished(String report) {
    return ended("Complete", 0, report);
  }

  /** A Job whose one pod ended with {@code exitCode} and {@code report} as its message. */
  private static JobObservation ended(String condition, int exitCode, String report) {
    Job job =
        new JobBuilder()
            .withNewMetadata()
            .withName("j")
            .endMetadata()
            .withNewStatus()
            .addNewCondition()
            .withType(condition)
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("job-pod")
            .endMetadata()
            .withNewStatus()
            .withPhase(exitCode == 0 ? "Succeeded" : "Failed")
            .addNewContainerStatus()
            .withName(GcJob.CONTAINER)
            .withNewState()
            .withNewTerminated()
            .withExitCode(exitCode)
            .withMessage(report)
            .endTerminated()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();
    return JobObservation.of(job, List.of(pod), List.of(pod), null);
  }

  private static GcRun.CreateJob created(GcRun.Advance next) {
    return next.actions().stream()
        .filter(a -> a instanceof GcRun.CreateJob)
        .map(a -> (GcRun.CreateJob) a)
        .findFirst()
        .orElseThrow();
  }

  private static List<String> args(GcRun.CreateJob create) {
    return create.job().getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
  }

  private GcRunStatus start() {
    schedule.getSpec().setRetention(KEEP_10);
    return GcRun.start(schedule.getSpec(), registry, "r1", GcRunTrigger.Manual, T0);
  }

  @Test
  void aRunWithRetentionFirstPlansItWithADryRunJobWhileTheRegistryStaysWritable() {
    GcRunStatus run = start();
    assertThat(run.getStep()).isEqualTo(GcRunStep.Pruning);

    GcRun.Advance next =
        GcRun.advance(
            schedule, run, seen(T0, registry, List.of(), JobObservation.absent(List.of())));

    GcRun.CreateJob create = created(next);
    assertThat(create.collect()).isFalse();
    assertThat(create.job().getMetadata().getName()).isEqualTo("nightly-abcde-r1-pruning");
    assertThat(args(create))
        .contains("--dry-run", "--retention", "/etc/retention/retention.json", "--retention-only");
    assertThat(create.retention()).isEqualTo(new GcRun.RetentionInput(KEEP_10, T0));
    assertThat(next.actions()).noneMatch(a -> a instanceof GcRun.AcquireLock);
  }

  @Test
  void afterThePlanTheRunTakesTheWindowAndTheCollectJobDecidesAgainAndDeletes() {
    GcRunStatus run = start();
    run.setJobName("nightly-abcde-r1-pruning");

    GcRun.Advance planned =
        GcRun.advance(
            schedule, run, seen(T0.plusSeconds(10), registry, List.of(), finished(PLAN_REPORT)));

    assertThat(planned.run().getStep()).isEqualTo(GcRunStep.Quiescing);
    assertThat(planned.run().getRetentionPlan()).contains("12 tags and 9 manifests to delete");
    assertThat(planned.run().getRetentionBytes()).isEqualTo(3000);
    assertThat(planned.actions())
        .anyMatch(
            a ->
                a instanceof GcRun.Announce e
                    && e.reason() == GcReason.RetentionPlanned
                    && e.message().contains("1 tag protected"))
        .hasAtLeastOneElementOfType(GcRun.AcquireLock.class);

    Registry inWindow = Registries.withPvc("images", "1Gi");
    inWindow.setStatus(new RegistryStatus());
    inWindow
        .getStatus()
        .setMaintenance(
            new MaintenanceStatus("ReadOnly", GcRun.holder(schedule), T0.toString(), true));
    GcRun.Advance quiet =
        GcRun.advance(
            schedule,
            planned.run(),
            seen(T0.plusSeconds(20), inWindow, List.of(), JobObservation.absent(List.of())));
    GcRun.CreateJob collect = created(quiet);
    assertThat(collect.collect()).isTrue();
    assertThat(args(collect))
        .contains("--retention", "/etc/retention/retention.json")
        .doesNotContain("--dry-run", "--retention-only");
    // decided again with the time the Job is made, from the workloads listed then
    assertThat(collect.retention())
        .isEqualTo(new GcRun.RetentionInput(KEEP_10, T0.plusSeconds(20)));

    GcRun.Advance done =
        GcRun.advance(
            schedule,
            quiet.run(),
            seen(T0.plusSeconds(40), inWindow, List.of(), finished(COLLECT_REPORT)));
    assertThat(done.run().getOutcome().getResult()).isEqualTo(GcRunResult.Succeeded);
    assertThat(done.run().getOutcome().getTagsDeleted()).isEqualTo(12);
    assertThat(done.run().getOutcome().getTagsProtected()).isEqualTo(1);
    assertThat(done.run().getOutcome().getMessage())
        .startsWith("retention deleted 12 tags and 9 manifests, 1 tags protected by workloads; ");
    assertThat(done.actions())
        .anyMatch(
            a ->
                a instanceof GcRun.Announce e
                    && e.reason() == GcReason.TagsPruned
                    && e.message().contains("12 tags and 9 manifests"));
  }

  @Test
  void aDryRunEndsWithThePlanAndNeverTakesTheWindow() {
    schedule.getSpec().setDryRun(true);
    GcRunStatus run = start();
    run.setJobName("nightly-abcde-r1-pruning");

    GcRun.Advance done =
        GcRun.advance(
            schedule, run, seen(T0.plusSeconds(10), registry, List.of(), finished(PLAN_REPORT)));

    assertThat(done.run().getStep()).isEqualTo(GcRunStep.Restoring);
    assertThat(done.run().getOutcome().getReason()).isEqualTo("DryRunCompleted");
    assertThat(done.run().getOutcome().getMessage())
        .isEqualTo(
            "dry run, nothing deleted: 12 tags and 9 manifests to delete (3.0 kB); 1 tag protected by workloads");
    assertThat(done.run().getOutcome().getTagsDeleted()).isEqualTo(12);
    assertThat(done.actions())
        .noneMatch(a -> a instanceof GcRun.AcquireLock || a instanceof GcRun.CreateJob)
        .noneMatch(a -> a instanceof GcRun.Announce e && e.reason() == GcReason.TagsPruned);
  }

  @Test
  void aPlanThatFailsEndsTheRunBeforeAnyWindow() {
    GcRunStatus run = start();
    run.setJobName("nightly-abcde-r1-pruning");
    String refused =
        "{\"version\":2,\"result\":\"ConfigurationError\",\"exitCode\":2,"
            + "\"message\":\"spec.retention[0].tagPattern: invalid regular expression\"}";
    GcRun.Advance done =
        GcRun.advance(
            schedule,
            run,
            seen(T0.plusSeconds(10), registry, List.of(), ended("Failed", 2, refused)));

    assertThat(done.run().getOutcome().getResult()).isEqualTo(GcRunResult.Failed);
    assertThat(done.run().getOutcome().getReason()).isEqualTo("PruningFailed");
    assertThat(done.run().getOutcome().getMessage()).contains("tagPattern");
    assertThat(done.actions()).noneMatch(a -> a instanceof GcRun.AcquireLock);
  }

  @Test
  void aPreviewCountsWhatTheRetentionPlanFrees() {
    schedule.getSpec().setMinReclaimableBytes(4000L);
    GcRunStatus run = start();
    run.setJobName("nightly-abcde-r1-pruning");
    GcRun.Advance planned =
        GcRun.advance(
            schedule, run, seen(T0.plusSeconds(10), registry, List.of(), finished(PLAN_REPORT)));
    assertThat(planned.run().getStep()).isEqualTo(GcRunStep.Preview);
    assertThat(args(created(planned))).contains("--dry-run").doesNotContain("--retention");

    GcRunStatus previewing = planned.run();
    previewing.setJobName("nightly-abcde-r1-preview");
    // GC alone would free 2000 bytes, below 4000; with the plan's 3000 the run goes on
    String preview =
        "{\"version\":2,\"result\":\"Succeeded\",\"exitCode\":0,\"message\":\"ok\",\"bytesMeasured\":true,\"eligibleBytes\":2000}";
    GcRun.Advance next =
        GcRun.advance(
            schedule, previewing, seen(T0.plusSeconds(20), registry, List.of(), finished(preview)));
    assertThat(next.run().getStep()).isEqualTo(GcRunStep.Quiescing);
    assertThat(next.run().getMessage()).doesNotContain("below");
  }
}
