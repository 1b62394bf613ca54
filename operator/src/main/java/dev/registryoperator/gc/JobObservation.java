package dev.registryoperator.gc;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Instant;
import java.util.Collection;

/**
 * What a GC Job and its pods show. The result (exit code, report) comes only from the pods this Job
 * controls; liveness counts every pod of the run, since any of them may still be running. A pod is
 * live until its container has terminated or the pod is gone: a terminating pod may still be
 * collecting (I3). Pure.
 *
 * @param pods pods the Job created so far (0 while a quota or webhook refuses them)
 * @param failedCreate the Job controller's last FailedCreate message, when looked up
 */
public record JobObservation(
    boolean exists,
    Phase phase,
    int pods,
    int livePods,
    Integer exitCode,
    String terminationMessage,
    Instant unschedulableSince,
    String failedCreate) {

  public enum Phase {
    Absent,
    Running,
    Succeeded,
    Failed,
    DeadlineExceeded
  }

  /** No Job (not created yet, or gone); {@code runPods}: whatever pods of the run are left. */
  public static JobObservation absent(Collection<Pod> runPods) {
    return new JobObservation(false, Phase.Absent, 0, live(runPods), null, null, null, null);
  }

  /**
   * @param jobPods the pods {@code job} controls (by owner reference UID)
   * @param runPods every pod of the run (preview and collect Jobs alike)
   */
  public static JobObservation of(
      Job job, Collection<Pod> jobPods, Collection<Pod> runPods, String failedCreate) {
    if (job == null) {
      return absent(runPods);
    }
    Phase phase = Phase.Running;
    if (job.getStatus() != null && job.getStatus().getConditions() != null) {
      for (JobCondition c : job.getStatus().getConditions()) {
        if (!"True".equals(c.getStatus())) {
          continue;
        }
        if ("Complete".equals(c.getType())) {
          phase = Phase.Succeeded;
        } else if ("Failed".equals(c.getType())) {
          phase = "DeadlineExceeded".equals(c.getReason()) ? Phase.DeadlineExceeded : Phase.Failed;
        }
      }
    }
    Integer exitCode = null;
    String message = null;
    Instant unschedulable = null;
    for (Pod pod : jobPods) {
      ContainerStateTerminated terminated = terminated(pod);
      if (terminated != null) {
        exitCode = terminated.getExitCode();
        message = terminated.getMessage();
      }
      if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
        for (PodCondition c : pod.getStatus().getConditions()) {
          if ("PodScheduled".equals(c.getType())
              && "False".equals(c.getStatus())
              && "Unschedulable".equals(c.getReason())) {
            unschedulable =
                c.getLastTransitionTime() == null ? null : Instant.parse(c.getLastTransitionTime());
          }
        }
      }
    }
    return new JobObservation(
        true, phase, jobPods.size(), live(runPods), exitCode, message, unschedulable, failedCreate);
  }

  public boolean finished() {
    return phase == Phase.Succeeded || phase == Phase.Failed || phase == Phase.DeadlineExceeded;
  }

  /** Pods that may still run: not Succeeded or Failed, and no container terminated. */
  public static int live(Collection<Pod> pods) {
    int live = 0;
    for (Pod pod : pods) {
      String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      boolean over = "Succeeded".equals(phase) || "Failed".equals(phase) || terminated(pod) != null;
      if (!over) {
        live++;
      }
    }
    return live;
  }

  private static ContainerStateTerminated terminated(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(
            s ->
                GcJob.CONTAINER.equals(s.getName())
                    && s.getState() != null
                    && s.getState().getTerminated() != null)
        .map(s -> s.getState().getTerminated())
        .findFirst()
        .orElse(null);
  }
}
