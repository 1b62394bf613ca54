package dev.registryoperator.gc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.common.Labels;
import dev.registryoperator.registry.MaintenanceMode;
import dev.registryoperator.registry.Registries;
import dev.registryoperator.registry.Registry;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;

class GcJobTest {

  @Test
  void theJobRunsTheRunnerOnTheRegistrysOwnConfigAndStorage() {
    GcSchedule schedule = GcRunTest.schedule(MaintenanceMode.ReadOnly);
    schedule.getSpec().setDeleteUntagged(true);
    Registry registry = Registries.withAuthAndTls("images");

    Job job =
        GcJob.desired(
            schedule,
            GcRunPlan.of(schedule.getSpec(), registry),
            registry,
            "r7",
            GcJob.Kind.Collect,
            null,
            true);

    assertThat(job.getMetadata().getName()).isEqualTo("nightly-abcde-r7");
    assertThat(job.getMetadata().getLabels())
        .containsEntry(Labels.COMPONENT, Labels.COMPONENT_GC)
        .containsEntry(GcJob.SCHEDULE_LABEL, "nightly")
        .containsEntry(GcJob.RUN_LABEL, "r7");
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("GcSchedule"));
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(1800L);
    var pod = job.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);
    assertThat(container.getImage()).isEqualTo(registry.getSpec().effectiveImage());
    assertThat(container.getCommand()).containsExactly("java");
    assertThat(container.getArgs())
        .containsExactly(
            "-jar",
            "/opt/gc-runner/gc-runner.jar",
            "--config",
            "/etc/distribution/config.yml",
            "--report",
            "/dev/termination-log",
            "--delete-untagged");
    assertThat(container.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    assertThat(container.getVolumeMounts())
        .extracting(VolumeMount::getMountPath)
        .contains("/etc/distribution", "/var/lib/registry")
        .doesNotContain("/etc/registry-tls", "/etc/registry-auth");
    assertThat(container.getVolumeMounts())
        .filteredOn(m -> m.getName().equals("data"))
        .singleElement()
        .satisfies(m -> assertThat(m.getReadOnly()).isFalse());
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(
            pod.getAffinity().getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
        .singleElement()
        .satisfies(
            t ->
                assertThat(t.getLabelSelector().getMatchLabels())
                    .isEqualTo(Labels.selector("images")));
  }

  @Test
  void colocationIsNeededOnlyWhenTheRegistryHoldsASingleNodeVolumeMeanwhile() {
    Registry rwo = Registries.withPvc("images", "1Gi");
    assertThat(
            GcJob.mustColocate(
                GcRunPlan.of(GcRunTest.schedule(MaintenanceMode.ReadOnly).getSpec(), rwo),
                rwo,
                GcJob.Kind.Collect))
        .isTrue();
    assertThat(
            GcJob.mustColocate(
                GcRunPlan.of(GcRunTest.schedule(MaintenanceMode.ScaleToZero).getSpec(), rwo),
                rwo,
                GcJob.Kind.Collect))
        .isFalse();
    assertThat(
            GcJob.mustColocate(
                GcRunPlan.of(GcRunTest.schedule(MaintenanceMode.ScaleToZero).getSpec(), rwo),
                rwo,
                GcJob.Kind.Preview))
        .isTrue();
    assertThat(
            GcJob.mustColocate(
                GcRunPlan.of(
                    GcRunTest.schedule(MaintenanceMode.ReadOnly).getSpec(),
                    Registries.withS3("images")),
                Registries.withS3("images"),
                GcJob.Kind.Collect))
        .isFalse();
    Registry stopped = Registries.withPvc("images", "1Gi");
    stopped.getSpec().setReplicas(0);
    assertThat(
            GcJob.mustColocate(
                GcRunPlan.of(GcRunTest.schedule(MaintenanceMode.ReadOnly).getSpec(), stopped),
                stopped,
                GcJob.Kind.Collect))
        .isFalse();
  }

  @Test
  void referrersAndPruningReachTheRunnerOnlyWhereTheyApply() {
    GcSchedule schedule = GcRunTest.schedule(MaintenanceMode.ReadOnly);
    schedule.getSpec().setDeleteUntaggedReferrers(true); // ignored without deleteUntagged
    schedule.getSpec().setPruneEmptyRepositories(true);
    Registry registry = Registries.withPvc("images", "1Gi");

    assertThat(argsOf(schedule, registry, GcJob.Kind.Collect))
        .contains("--prune-empty-repositories")
        .doesNotContain("--delete-untagged", "--delete-untagged-referrers");
    // a preview deletes nothing, so prunes nothing
    assertThat(argsOf(schedule, registry, GcJob.Kind.Preview))
        .contains("--dry-run")
        .doesNotContain("--prune-empty-repositories");

    schedule.getSpec().setDeleteUntagged(true);
    assertThat(argsOf(schedule, registry, GcJob.Kind.Collect))
        .contains("--delete-untagged", "--delete-untagged-referrers", "--prune-empty-repositories");
  }

  private static java.util.List<String> argsOf(
      GcSchedule schedule, Registry registry, GcJob.Kind kind) {
    return GcJob.desired(
            schedule,
            GcRunPlan.of(schedule.getSpec(), registry),
            registry,
            "r3",
            kind,
            null,
            kind == GcJob.Kind.Collect)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getArgs();
  }

  @Test
  void aRetentionJobReadsItsRequestFromItsPodAnnotationThroughTheDownwardApi() {
    GcSchedule schedule = GcRunTest.schedule(MaintenanceMode.ReadOnly);
    schedule
        .getSpec()
        .setRetention(
            java.util.List.of(
                new dev.registryoperator.gcreport.retention.RetentionRule(
                    null, null, null, null, 5, null)));
    Registry registry = Registries.withPvc("images", "1Gi");
    GcRunPlan plan = GcRunPlan.of(schedule.getSpec(), registry);

    Job pruning = GcJob.desired(schedule, plan, registry, "r6", GcJob.Kind.Pruning, null, false);
    var pod = pruning.getSpec().getTemplate().getSpec();
    assertThat(pruning.getMetadata().getLabels()).containsEntry(Labels.GC_KIND, "pruning");
    assertThat(pruning.getSpec().getSuspend()).isNull(); // deletes nothing: starts at once
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("retention"))
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.getDownwardAPI().getItems().get(0).getFieldRef().getFieldPath())
                    .isEqualTo("metadata.annotations['registry.operator.dev/retention-request']"));
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .filteredOn(m -> m.getName().equals("retention") || m.getName().equals("data"))
        .allSatisfy(m -> assertThat(m.getReadOnly()).isTrue());

    Job withRequest = GcJob.withRetentionRequest(pruning, "{\"version\":1}");
    assertThat(withRequest.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry(GcJob.RETENTION_ANNOTATION, "{\"version\":1}")
        .containsKey("sidecar.istio.io/inject");
    assertThat(pruning.getSpec().getTemplate().getMetadata().getAnnotations())
        .doesNotContainKey(GcJob.RETENTION_ANNOTATION);

    // the preview measures GC alone: no retention there
    Job preview = GcJob.desired(schedule, plan, registry, "r6", GcJob.Kind.Preview, null, false);
    assertThat(GcJob.readsRetention(preview)).isFalse();
    assertThat(
            GcJob.readsRetention(
                GcJob.desired(schedule, plan, registry, "r6", GcJob.Kind.Collect, null, false)))
        .isTrue();
  }

  @Test
  void previewIsADryRunOnAReadOnlyMount() {
    GcSchedule zero = GcRunTest.schedule(MaintenanceMode.ScaleToZero);
    Registry registry = Registries.withPvc("images", "1Gi");
    Job job =
        GcJob.desired(
            zero,
            GcRunPlan.of(zero.getSpec(), registry),
            registry,
            "r2",
            GcJob.Kind.Preview,
            null,
            false);
    var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);

    assertThat(job.getMetadata().getName()).isEqualTo("nightly-abcde-r2-preview");
    assertThat(container.getArgs()).contains("--dry-run");
    assertThat(container.getVolumeMounts())
        .filteredOn(m -> m.getName().equals("data"))
        .singleElement()
        .satisfies(m -> assertThat(m.getReadOnly()).isTrue());
    assertThat(job.getSpec().getTemplate().getSpec().getAffinity()).isNull();
  }

  @Test
  void longScheduleNamesStillGiveValidJobNames() {
    GcSchedule schedule = GcRunTest.schedule(MaintenanceMode.ReadOnly);
    schedule
        .getMetadata()
        .setName("a-very-long-garbage-collection-schedule-name-for-the-team-registry");
    String name = GcJob.name(schedule, "r123", GcJob.Kind.Preview);
    assertThat(name).hasSizeLessThanOrEqualTo(63).endsWith("-abcde-r123-preview");
  }

  @Test
  void theGcPodHasDefaultResourcesNoSidecarAndNoRecursiveChown() {
    GcSchedule schedule = GcRunTest.schedule(MaintenanceMode.ReadOnly);
    Registry registry = Registries.withPvc("images", "1Gi");

    var pod =
        GcJob.desired(
                schedule,
                GcRunPlan.of(schedule.getSpec(), registry),
                registry,
                "r1",
                GcJob.Kind.Collect,
                null,
                false)
            .getSpec()
            .getTemplate();

    var resources = pod.getSpec().getContainers().get(0).getResources();
    assertThat(resources.getRequests()).containsKeys("cpu", "memory");
    assertThat(resources.getLimits()).containsKey("memory");
    assertThat(pod.getMetadata().getAnnotations())
        .containsEntry("sidecar.istio.io/inject", "false");
    assertThat(pod.getSpec().getSecurityContext().getFsGroupChangePolicy())
        .isEqualTo("OnRootMismatch");
    assertThat(pod.getMetadata().getLabels())
        .containsEntry(Labels.GC_KIND, Labels.GC_KIND_COLLECT)
        .containsEntry(Labels.GC_MAINTENANCE, "ReadOnly");

    var overrides = new GcScheduleSpec.JobOverrides();
    overrides.setResources(
        new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
            .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("4Gi"))
            .build());
    var custom =
        GcJob.desired(
                schedule,
                GcRunPlan.of(schedule.getSpec(), registry),
                registry,
                "r1",
                GcJob.Kind.Preview,
                overrides,
                false)
            .getSpec()
            .getTemplate();
    assertThat(custom.getSpec().getContainers().get(0).getResources().getLimits())
        .containsEntry("memory", new io.fabric8.kubernetes.api.model.Quantity("4Gi"));
    assertThat(custom.getMetadata().getLabels())
        .containsEntry(Labels.GC_KIND, Labels.GC_KIND_PREVIEW)
        .doesNotContainKey(Labels.GC_MAINTENANCE);
  }

  @Test
  void aJobThatDeletesIsCreatedSuspendedAndOnlyThatOne() {
    GcSchedule schedule = GcRunTest.schedule(MaintenanceMode.ReadOnly);
    Registry registry = Registries.withPvc("images", "1Gi");
    GcRunPlan plan = GcRunPlan.of(schedule.getSpec(), registry);

    assertThat(
            GcJob.desired(schedule, plan, registry, "r1", GcJob.Kind.Collect, null, false)
                .getSpec()
                .getSuspend())
        .isTrue();
    assertThat(
            GcJob.desired(schedule, plan, registry, "r1", GcJob.Kind.Preview, null, false)
                .getSpec()
                .getSuspend())
        .isNull();
    schedule.getSpec().setDryRun(true);
    GcRunPlan dry = GcRunPlan.of(schedule.getSpec(), registry);
    assertThat(
            GcJob.desired(schedule, dry, registry, "r1", GcJob.Kind.Collect, null, false)
                .getSpec()
                .getSuspend())
        .isNull();
  }
}
