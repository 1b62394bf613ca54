package dev.registryoperator.gc;

import dev.registryoperator.common.Labels;
import dev.registryoperator.common.Owners;
import dev.registryoperator.common.PodSecurity;
import dev.registryoperator.registry.MaintenanceMode;
import dev.registryoperator.registry.PvcStorageSpec;
import dev.registryoperator.registry.Registry;
import dev.registryoperator.registry.RegistryDeployment;
import dev.registryoperator.registry.RegistryNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The GC Job: the GC runner in the registry's own image, against the registry's own config.yml and
 * storage. One attempt, a deadline, the runner's JSON report as termination message. Pure.
 */
public final class GcJob {
  public static final String SCHEDULE_LABEL = "registry.operator.dev/gc-schedule";
  public static final String RUN_LABEL = "registry.operator.dev/gc-run";
  public static final String CONTAINER = "gc";

  /**
   * Where the runner writes its JSON report: the container's termination message (read from the
   * pod's status).
   */
  public static final String TERMINATION_LOG = "/dev/termination-log";

  /**
   * A finished Job (and its pod, with the report and the log) stays this long for kubectl logs and
   * describe.
   */
  static final Duration FINISHED_JOB_TTL = Duration.ofHours(24);

  /**
   * Pod annotation that keeps a service mesh from injecting a sidecar, which would keep the Job
   * from ending.
   */
  static final String NO_SIDECAR = "sidecar.istio.io/inject";

  private static final Set<String> SHARED_VOLUMES = Set.of("config", "data", "tmp");

  /**
   * The pod annotation that carries the retention request (rules, time, the workloads' images) and
   * the file the downward API makes of it: the request is part of the Job, so {@code kubectl get
   * job -o yaml} shows what a decision was made from, and it goes with the Job.
   */
  public static final String RETENTION_ANNOTATION = "registry.operator.dev/retention-request";

  static final String RETENTION_DIR = "/etc/retention";
  static final String RETENTION_FILE = "retention.json";

  private GcJob() {}

  /**
   * What kind of Job: the retention plan (a dry run that only decides), the preview (always a dry
   * run) or the collection itself.
   */
  public enum Kind {
    Pruning,
    Preview,
    Collect
  }

  /**
   * Requests and limits of the GC container when spec.job.resources sets none: the mark phase holds
   * every referenced digest in memory, so memory is bounded but generous.
   */
  public static ResourceRequirements defaultResources() {
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("100m"))
        .addToRequests("memory", new Quantity("256Mi"))
        .addToLimits("memory", new Quantity("1Gi"))
        .build();
  }

  public static String name(HasMetadata schedule, String runId, Kind kind) {
    String uid =
        schedule.getMetadata().getUid() == null
            ? "0"
            : schedule.getMetadata().getUid().replace("-", "");
    String suffix =
        "-"
            + uid.substring(0, Math.min(5, uid.length()))
            + "-"
            + runId
            + switch (kind) {
              case Pruning -> "-pruning";
              case Preview -> "-preview";
              case Collect -> "";
            };
    String base = schedule.getMetadata().getName();
    // Job names become pod label values: at most 63 characters.
    base = base.substring(0, Math.min(base.length(), 63 - suffix.length()));
    return (base + suffix).toLowerCase(Locale.ROOT).replaceAll("-+$", "");
  }

  /**
   * A Job for one run. {@code colocate}: the volume mounts on one node only and registry pods run
   * on it, so the Job must run there too (a required pod affinity to the registry's pods).
   */
  public static Job desired(
      HasMetadata schedule,
      GcRunPlan plan,
      Registry registry,
      String runId,
      Kind kind,
      GcScheduleSpec.JobOverrides overrides,
      boolean colocate) {
    boolean dryRun = kind != Kind.Collect || plan.dryRunOnly();
    boolean retention = plan.retains() && kind != Kind.Preview;
    String registryName = registry.getMetadata().getName();
    Map<String, String> labels =
        new LinkedHashMap<>(Labels.forInstance(registryName, Labels.COMPONENT_GC));
    labels.put(SCHEDULE_LABEL, schedule.getMetadata().getName());
    labels.put(RUN_LABEL, runId);
    labels.put(
        Labels.GC_KIND,
        switch (kind) {
          case Pruning -> Labels.GC_KIND_PRUNING;
          case Preview -> Labels.GC_KIND_PREVIEW;
          case Collect -> dryRun ? Labels.GC_KIND_DRY_RUN : Labels.GC_KIND_COLLECT;
        });
    if (!dryRun) {
      labels.put(Labels.GC_MAINTENANCE, plan.getMode().name());
    }

    List<String> args =
        new ArrayList<>(
            List.of(
                "-jar",
                RegistryNames.GC_RUNNER_JAR,
                "--config",
                RegistryNames.CONFIG_PATH,
                "--report",
                TERMINATION_LOG));
    if (dryRun) {
      args.add("--dry-run");
    }
    if (plan.deletesUntagged()) {
      args.add("--delete-untagged");
    }
    if (plan.deletesUntaggedReferrers()) {
      args.add("--delete-untagged-referrers");
    }
    if (plan.prunesEmptyRepositories() && !dryRun) {
      args.add("--prune-empty-repositories");
    }
    if (retention) {
      args.addAll(List.of("--retention", RETENTION_DIR + "/" + RETENTION_FILE));
      if (kind == Kind.Pruning) {
        args.add("--retention-only");
      }
    }
    Duration deadline = plan.maxDuration();

    JobBuilder job =
        new JobBuilder()
            .withNewMetadata()
            .withName(name(schedule, runId, kind))
            .withNamespace(schedule.getMetadata().getNamespace())
            .withLabels(labels)
            .withOwnerReferences(Owners.controller(schedule))
            .endMetadata()
            .withNewSpec()
            .withBackoffLimit(0)
            // A Job that deletes is created suspended: it exists (and holds the registry in
            // maintenance) before the lock is checked once more, and starts only after that.
            .withSuspend(dryRun ? null : true)
            .withActiveDeadlineSeconds(deadline.toSeconds())
            .withTtlSecondsAfterFinished((int) FINISHED_JOB_TTL.toSeconds())
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(labels)
            .withAnnotations(Map.of(NO_SIDECAR, "false"))
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy("Never")
            .withAutomountServiceAccountToken(false)
            .withEnableServiceLinks(false)
            .withImagePullSecrets(registry.getSpec().getImagePullSecrets())
            .withSecurityContext(PodSecurity.pod())
            .withNodeSelector(overrides == null ? null : overrides.getNodeSelector())
            .withTolerations(overrides == null ? null : overrides.getTolerations())
            .addNewContainer()
            .withName(CONTAINER)
            .withImage(registry.getSpec().effectiveImage())
            .withImagePullPolicy(
                registry.getSpec().getImagePullPolicy() == null
                    ? null
                    : registry.getSpec().getImagePullPolicy().name())
            .withCommand("java")
            .withArgs(args)
            .withEnv(RegistryDeployment.environment(registry))
            .withResources(
                overrides == null || overrides.getResources() == null
                    ? defaultResources()
                    : overrides.getResources())
            .withTerminationMessagePath(TERMINATION_LOG)
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .withSecurityContext(PodSecurity.container())
            .withVolumeMounts(mounts(registry, dryRun, retention))
            .endContainer()
            .withVolumes(volumes(registry, retention))
            .endSpec()
            .endTemplate()
            .endSpec();
    Job result = job.build();
    if (colocate) {
      result
          .getSpec()
          .getTemplate()
          .getSpec()
          .setAffinity(
              new io.fabric8.kubernetes.api.model.AffinityBuilder()
                  .withNewPodAffinity()
                  .withRequiredDuringSchedulingIgnoredDuringExecution(
                      RegistryDeployment.onTheNodeOfItsPods(registryName))
                  .endPodAffinity()
                  .build());
    }
    return result;
  }

  /**
   * Whether a Job must share the registry pods' node: the volume mounts on one node only and
   * registry pods hold it while the Job runs (a preview, a dry run, or ReadOnly mode).
   */
  public static boolean mustColocate(GcRunPlan plan, Registry registry, Kind kind) {
    PvcStorageSpec pvc =
        registry.getSpec().getStorage() == null ? null : registry.getSpec().getStorage().getPvc();
    if (pvc == null || !pvc.singleNode() || registry.getSpec().effectiveReplicas() == 0) {
      return false;
    }
    boolean registryRunsMeanwhile =
        kind != Kind.Collect || plan.dryRunOnly() || plan.getMode() == MaintenanceMode.ReadOnly;
    return registryRunsMeanwhile;
  }

  /**
   * The Job with its retention request: the pod annotation its retention volume reads. Set by the
   * operator right before it creates the Job, from the workloads it lists then.
   */
  public static Job withRetentionRequest(Job job, String requestJson) {
    Job copy = new JobBuilder(job).build();
    Map<String, String> annotations =
        new LinkedHashMap<>(copy.getSpec().getTemplate().getMetadata().getAnnotations());
    annotations.put(RETENTION_ANNOTATION, requestJson);
    copy.getSpec().getTemplate().getMetadata().setAnnotations(annotations);
    return copy;
  }

  /** Whether the Job reads a retention request (see {@link #withRetentionRequest}). */
  public static boolean readsRetention(Job job) {
    return job.getSpec().getTemplate().getSpec().getVolumes().stream()
        .anyMatch(v -> v.getName().equals("retention"));
  }

  private static List<Volume> volumes(Registry registry, boolean retention) {
    List<Volume> volumes =
        new ArrayList<>(
            RegistryDeployment.volumes(registry).stream()
                .filter(v -> SHARED_VOLUMES.contains(v.getName()))
                .toList());
    if (retention) {
      volumes.add(
          new io.fabric8.kubernetes.api.model.VolumeBuilder()
              .withName("retention")
              .withNewDownwardAPI()
              .addNewItem()
              .withPath(RETENTION_FILE)
              .withNewFieldRef()
              .withFieldPath("metadata.annotations['" + RETENTION_ANNOTATION + "']")
              .endFieldRef()
              .endItem()
              .endDownwardAPI()
              .build());
    }
    return volumes;
  }

  private static List<VolumeMount> mounts(Registry registry, boolean dryRun, boolean retention) {
    List<VolumeMount> mounts =
        new ArrayList<>(
            RegistryDeployment.mounts(registry).stream()
                .filter(m -> SHARED_VOLUMES.contains(m.getName()))
                .map(
                    m ->
                        m.getName().equals("data") && dryRun
                            ? new io.fabric8.kubernetes.api.model.VolumeMountBuilder(m)
                                .withReadOnly(true)
                                .build()
                            : m)
                .toList());
    if (retention) {
      mounts.add(
          new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
              .withName("retention")
              .withMountPath(RETENTION_DIR)
              .withReadOnly(true)
              .build());
    }
    return mounts;
  }
}
