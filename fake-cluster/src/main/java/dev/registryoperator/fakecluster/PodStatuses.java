package dev.registryoperator.fakecluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Pod statuses the way the scheduler and kubelet write them. */
final class PodStatuses {
  private PodStatuses() {}

  static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static String now() {
    return time(Instant.now());
  }

  private static PodCondition condition(
      String type, boolean status, String reason, String message) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(now())
        .build();
  }

  static PodStatus unschedulable(String message) {
    return new PodStatusBuilder()
        .withPhase("Pending")
        .withConditions(condition("PodScheduled", false, "Unschedulable", message))
        .build();
  }

  static PodStatus scheduled() {
    return new PodStatusBuilder()
        .withPhase("Pending")
        .withConditions(condition("PodScheduled", true, null, null))
        .build();
  }

  static PodStatus running(PodRecord r) {
    List<ContainerStatus> containers = new ArrayList<>();
    for (Container c : containers(r.pod)) {
      containers.add(
          base(c, r)
              .withReady(r.ready)
              .withStarted(true)
              .withNewState()
              .withNewRunning()
              .withStartedAt(time(r.startedAt))
              .endRunning()
              .endState()
              .build());
    }
    return withIps(new PodStatusBuilder().withPhase("Running"), r)
        .withConditions(
            condition("PodReadyToStartContainers", true, null, null),
            condition("Initialized", true, null, null),
            condition("Ready", r.ready, r.ready ? null : "ContainersNotReady", null),
            condition("ContainersReady", r.ready, r.ready ? null : "ContainersNotReady", null),
            condition("PodScheduled", true, null, null))
        .withContainerStatuses(containers)
        .build();
  }

  static PodStatus terminated(PodRecord r) {
    PodRuntime.Termination t = r.termination;
    List<ContainerStatus> containers = new ArrayList<>();
    boolean first = true;
    for (Container c : containers(r.pod)) {
      containers.add(
          base(c, r)
              .withReady(false)
              .withStarted(false)
              .withNewState()
              .withNewTerminated()
              .withExitCode(t.exitCode())
              .withReason(t.reason())
              .withMessage(first ? t.message() : null)
              .withStartedAt(r.startedAt == null ? null : time(r.startedAt))
              .withFinishedAt(now())
              .endTerminated()
              .endState()
              .build());
      first = false;
    }
    return withIps(new PodStatusBuilder().withPhase(t.exitCode() == 0 ? "Succeeded" : "Failed"), r)
        .withConditions(
            condition("PodReadyToStartContainers", false, null, null),
            condition("Initialized", true, null, null),
            condition("Ready", false, "PodCompleted", null),
            condition("ContainersReady", false, "PodCompleted", null),
            condition("PodScheduled", true, null, null))
        .withContainerStatuses(containers)
        .build();
  }

  private static List<Container> containers(Pod pod) {
    return pod.getSpec() == null || pod.getSpec().getContainers() == null
        ? List.of()
        : pod.getSpec().getContainers();
  }

  private static ContainerStatusBuilder base(Container c, PodRecord r) {
    return new ContainerStatusBuilder()
        .withName(c.getName())
        .withImage(c.getImage())
        .withImageID("")
        .withContainerID("fake://" + r.uid + "/" + c.getName())
        .withRestartCount(r.restarts);
  }

  private static PodStatusBuilder withIps(PodStatusBuilder b, PodRecord r) {
    int n = Math.floorMod(r.uid.hashCode(), 250) + 2;
    return b.withHostIP("10.0.0." + (Math.floorMod(String.valueOf(r.nodeName).hashCode(), 250) + 2))
        .withPodIP("10.244.0." + n)
        .withStartTime(r.startedAt == null ? null : time(r.startedAt));
  }
}
