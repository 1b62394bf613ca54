package dev.registryoperator.fakecluster;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;

/** The kubelet's view of one pod it manages. Only touched on the logic thread. */
final class PodRecord {
  enum State {
    Pending,
    Scheduled,
    Starting,
    Running,
    Stopping,
    Exited,
    Stopped,
    Gone
  }

  final String namespace;
  final String name;
  final String uid;
  final String ownerKind;
  final String ownerName;
  final String ownerUid;
  final String templateHash;
  Pod pod;
  State state = State.Pending;
  boolean terminating;
  boolean ready;
  boolean unschedulableReported;
  boolean finalizerReleased;
  String nodeName;
  Instant startedAt;
  int restarts;
  PodRuntime.Termination termination;

  PodRecord(Pod pod, String ownerKind, String ownerName, String ownerUid, String templateHash) {
    this.pod = pod;
    this.namespace = pod.getMetadata().getNamespace();
    this.name = pod.getMetadata().getName();
    this.uid = pod.getMetadata().getUid();
    this.ownerKind = ownerKind;
    this.ownerName = ownerName;
    this.ownerUid = ownerUid;
    this.templateHash = templateHash;
  }

  /** What a controller decides from: changes when any of it does. */
  record View(
      String uid, State state, boolean terminating, boolean ready, int restarts, Integer exit) {}

  View view() {
    return new View(
        uid,
        state,
        terminating,
        ready,
        restarts,
        termination == null ? null : termination.exitCode());
  }

  String owner() {
    return ownerKind == null ? null : ownerKind + "/" + ownerName;
  }

  boolean gone() {
    return state == State.Gone;
  }

  /** The containers have ended (phase Succeeded or Failed), whether or not the pod still exists. */
  boolean finished() {
    return state == State.Exited || state == State.Stopped;
  }

  /** Counted by controllers as a replica: not terminating, not finished, not gone. */
  boolean active() {
    return !terminating && !finished() && !gone();
  }

  /** Being deleted while its containers may still run. */
  boolean terminatingNotFinished() {
    return terminating && !finished() && !gone();
  }

  boolean succeeded() {
    return finished() && termination != null && termination.exitCode() == 0;
  }

  boolean failed() {
    return finished() && (termination == null || termination.exitCode() != 0);
  }
}
