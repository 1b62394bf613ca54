package dev.registryoperator.registry;

import dev.registryoperator.common.Labels;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * GC pods as the Registry reconciler sees them: a second guard, independent of the maintenance
 * lock, for invariant I2. While a live {@code collect} pod of a registry exists, that registry
 * stays in maintenance (read-only or at zero), whatever its annotations say: a Registry replaced
 * with {@code kubectl replace}, or deleted and re-created with the same name, loses the lock but
 * not the pod. Pure; also meant for the GC side (which pods keep a window needed).
 */
public final class GcPods {
  private GcPods() {}

  /**
   * Why a registry must stay in maintenance: the oldest live collect pod and the window it needs.
   */
  public record Guard(String podName, MaintenanceMode mode, String holder, String since) {
    /** As a maintenance request, so the serving mode and status treat it like a window. */
    public MaintenanceRequest asRequest() {
      return new MaintenanceRequest(holder, null, mode, since);
    }
  }

  /** A pod labelled as a GC pod (any kind). */
  public static boolean isGcPod(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels != null && Labels.COMPONENT_GC.equals(labels.get(Labels.COMPONENT));
  }

  /** A GC pod that deletes from storage: only these need a maintenance window. */
  public static boolean isCollect(Pod pod) {
    return isGcPod(pod)
        && Labels.GC_KIND_COLLECT.equals(pod.getMetadata().getLabels().get(Labels.GC_KIND));
  }

  /**
   * The pod may still run: it exists (terminating counts: its container may not have stopped) and
   * neither its phase (Succeeded, Failed) nor its container statuses say that every container
   * terminated.
   */
  public static boolean isLive(Pod pod) {
    var status = pod.getStatus();
    if (status == null) {
      return true;
    }
    if ("Succeeded".equals(status.getPhase()) || "Failed".equals(status.getPhase())) {
      return false;
    }
    var statuses = status.getContainerStatuses();
    int containers =
        pod.getSpec() == null || pod.getSpec().getContainers() == null
            ? 0
            : pod.getSpec().getContainers().size();
    if (statuses == null || statuses.isEmpty() || statuses.size() < containers) {
      return true;
    }
    return !statuses.stream().allMatch(GcPods::terminated);
  }

  private static boolean terminated(ContainerStatus s) {
    return s.getState() != null && s.getState().getTerminated() != null;
  }

  /**
   * The guard from the live collect pods of {@code registryName} among {@code pods}: ScaleToZero if
   * any of them needs it (or does not say which window it needs), else ReadOnly; named after the
   * oldest such pod.
   */
  public static Optional<Guard> guard(Collection<Pod> pods, String registryName) {
    var live =
        pods.stream()
            .filter(GcPods::isCollect)
            .filter(p -> registryName.equals(p.getMetadata().getLabels().get(Labels.INSTANCE)))
            .filter(GcPods::isLive)
            .sorted(
                Comparator.comparing(
                        (Pod p) -> String.valueOf(p.getMetadata().getCreationTimestamp()))
                    .thenComparing(p -> p.getMetadata().getName()))
            .toList();
    if (live.isEmpty()) {
      return Optional.empty();
    }
    boolean readOnlyEnough =
        live.stream()
            .allMatch(
                p ->
                    MaintenanceMode.ReadOnly.name()
                        .equals(p.getMetadata().getLabels().get(Labels.GC_MAINTENANCE)));
    Pod oldest = live.get(0);
    String schedule = oldest.getMetadata().getLabels().get(SCHEDULE_LABEL);
    String holder =
        schedule != null ? "GcSchedule/" + schedule : "Pod/" + oldest.getMetadata().getName();
    return Optional.of(
        new Guard(
            oldest.getMetadata().getName(),
            readOnlyEnough ? MaintenanceMode.ReadOnly : MaintenanceMode.ScaleToZero,
            holder,
            oldest.getMetadata().getCreationTimestamp()));
  }

  /**
   * The guard from unfinished collect Jobs of {@code registryName}: a Job exists before its pod
   * does, so a window must not be released while one is there (the Job's own pod would start beside
   * writable registry pods). Read from the API by the caller, right before it would release a
   * window.
   */
  public static Optional<Guard> guardFromJobs(Collection<Job> jobs, String registryName) {
    return jobs.stream()
        .filter(j -> j.getMetadata().getLabels() != null)
        .filter(j -> Labels.GC_KIND_COLLECT.equals(j.getMetadata().getLabels().get(Labels.GC_KIND)))
        .filter(j -> registryName.equals(j.getMetadata().getLabels().get(Labels.INSTANCE)))
        .filter(j -> !finished(j))
        .min(
            Comparator.comparing((Job j) -> String.valueOf(j.getMetadata().getCreationTimestamp())))
        .map(
            j -> {
              String schedule = j.getMetadata().getLabels().get(SCHEDULE_LABEL);
              boolean readOnly =
                  MaintenanceMode.ReadOnly.name()
                      .equals(j.getMetadata().getLabels().get(Labels.GC_MAINTENANCE));
              return new Guard(
                  JOB_GUARD_PREFIX + j.getMetadata().getName(),
                  readOnly ? MaintenanceMode.ReadOnly : MaintenanceMode.ScaleToZero,
                  schedule != null ? "GcSchedule/" + schedule : "Job/" + j.getMetadata().getName(),
                  j.getMetadata().getCreationTimestamp());
            });
  }

  /** Complete or Failed, and not being deleted (a Job being deleted may still have pods). */
  private static boolean finished(Job job) {
    if (job.getMetadata().getDeletionTimestamp() != null
        || job.getStatus() == null
        || job.getStatus().getConditions() == null) {
      return false;
    }
    return job.getStatus().getConditions().stream()
        .anyMatch(
            c ->
                "True".equals(c.getStatus())
                    && ("Complete".equals(c.getType()) || "Failed".equals(c.getType())));
  }

  /** A guard held by a Job (not a pod) names it with this prefix. */
  public static final String JOB_GUARD_PREFIX = "Job/";

  /** The label GC Jobs put on their pods naming their GcSchedule (GcJob.SCHEDULE_LABEL). */
  static final String SCHEDULE_LABEL = "registry.operator.dev/gc-schedule";
}
