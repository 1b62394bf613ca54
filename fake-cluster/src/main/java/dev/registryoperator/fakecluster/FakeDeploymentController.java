package dev.registryoperator.fakecluster;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Plays the Deployment and ReplicaSet controllers (there are no ReplicaSet objects: pods are owned
 * by the Deployment directly). Pods are named {@code <deployment>-<template hash>-<5 chars>} and
 * labelled {@code pod-template-hash}. Rollouts: {@code Recreate} deletes all old pods, waits until
 * they are gone, then creates new ones; {@code RollingUpdate} (the default) behaves as maxSurge 1,
 * maxUnavailable 0 whatever the spec says. Terminating pods do not count as replicas, as in the
 * real controller.
 */
final class FakeDeploymentController {
  private final SimContext ctx;
  private final StatusWriter<Deployment, DeploymentStatus> status =
      new StatusWriter<>(Deployment::getStatus);
  private final Map<String, String> hashes = new HashMap<>();
  private final Map<String, String> completeLogged = new HashMap<>();

  /**
   * The template hash of each Deployment object as last observed (the informer gives a new object
   * on every change): hashing serialises the template, too much to do for every Deployment on every
   * tick.
   */
  private final Map<String, Map.Entry<Deployment, String>> hashed = new HashMap<>();

  /**
   * What each Deployment's last reconcile left behind when it had nothing more to do: the object
   * and its pods as they were then. A tick skips a Deployment while both are the same (the object
   * by identity: the informer gives a new one on every change), as a reconcile of the same inputs
   * decides the same; with a thousand Deployments, reconciling each on every tick kept a core busy.
   */
  private record Settled(Deployment deployment, List<PodRecord.View> pods) {}

  private final Map<String, Settled> settled = new HashMap<>();

  FakeDeploymentController(SimContext ctx) {
    this.ctx = ctx;
  }

  void observe(Deployment old, Deployment d) {
    ctx.deployments.put(d.getMetadata().getUid(), d);
    if (old == null) {
      ctx.log.add(
          "deployment",
          d.getMetadata().getName(),
          "created",
          null,
          "generation " + d.getMetadata().getGeneration());
    } else if (!Objects.equals(
        old.getMetadata().getGeneration(), d.getMetadata().getGeneration())) {
      ctx.log.add(
          "deployment",
          d.getMetadata().getName(),
          "generation=" + d.getMetadata().getGeneration(),
          null,
          null);
    }
  }

  void observeDeleted(Deployment d) {
    ctx.deployments.remove(d.getMetadata().getUid());
    ctx.log.add("deployment", d.getMetadata().getName(), "deleted", null, null);
    hashes.remove(d.getMetadata().getUid());
    hashed.remove(d.getMetadata().getUid());
    settled.remove(d.getMetadata().getUid());
    status.forget(d.getMetadata().getUid());
  }

  void tick() {
    for (Deployment d : List.copyOf(ctx.deployments.values())) {
      if (d.getMetadata().getDeletionTimestamp() == null) {
        String uid = d.getMetadata().getUid();
        Settled last = settled.get(uid);
        if (last != null && last.deployment() == d && last.pods().equals(podViews(uid))) {
          continue;
        }
        if (reconcile(d)) {
          settled.put(uid, new Settled(d, podViews(uid)));
        } else {
          settled.remove(uid);
        }
      }
    }
  }

  private List<PodRecord.View> podViews(String uid) {
    return ctx.pods.ownedBy(uid).stream().map(PodRecord::view).toList();
  }

  /** Reconciles; false when it must run again even if nothing changes (a status conflict). */
  private boolean reconcile(Deployment d) {
    String uid = d.getMetadata().getUid();
    Map.Entry<Deployment, String> known = hashed.get(uid);
    String hash;
    if (known != null && known.getKey() == d) {
      hash = known.getValue();
    } else {
      hash = PodTemplates.hash(d.getSpec().getTemplate());
      hashed.put(uid, Map.entry(d, hash));
    }
    String before = hashes.put(uid, hash);
    if (before != null && !before.equals(hash)) {
      ctx.log.add(
          "deployment",
          d.getMetadata().getName(),
          "rollout started hash=" + hash,
          null,
          "from " + before + ", strategy " + strategy(d));
    }
    int desired = desired(d);
    if ("Recreate".equals(strategy(d))) {
      recreate(d, hash, desired);
    } else {
      rollingUpdate(d, hash, desired);
    }
    return writeStatus(d, hash, desired) != StatusWriter.Write.Conflict;
  }

  private void recreate(Deployment d, String hash, int desired) {
    List<PodRecord> pods = ctx.pods.ownedBy(d.getMetadata().getUid());
    List<PodRecord> oldActive = pods.stream().filter(p -> p.active() && !isNew(p, hash)).toList();
    oldActive.forEach(p -> ctx.deletePod(p, "recreate: old template"));
    boolean oldLeft = pods.stream().anyMatch(p -> !isNew(p, hash));
    if (!oldLeft) {
      scale(d, hash, desired);
    }
  }

  private void rollingUpdate(Deployment d, String hash, int desired) {
    List<PodRecord> active = active(d);
    List<PodRecord> oldActive = active.stream().filter(p -> !isNew(p, hash)).toList();
    if (oldActive.isEmpty() || desired == 0) {
      oldActive.forEach(p -> ctx.deletePod(p, "old template"));
      scale(d, hash, desired);
      return;
    }
    long newActive = active.size() - oldActive.size();
    long create = Math.min(desired + 1 - active.size(), desired - newActive);
    for (long i = 0; i < create; i++) {
      createPod(d, hash);
    }
    oldActive.stream()
        .filter(p -> !p.ready)
        .forEach(p -> ctx.deletePod(p, "rollout: old, not ready"));
    long excess = active(d).stream().filter(p -> p.ready).count() - desired;
    for (PodRecord p : oldActive) {
      if (excess > 0 && p.active() && p.ready) {
        ctx.deletePod(p, "rollout: replaced by a ready new pod");
        excess--;
      }
    }
  }

  /**
   * Brings the number of active new pods to {@code desired}; extras go not-ready first, newest
   * first.
   */
  private void scale(Deployment d, String hash, int desired) {
    List<PodRecord> current = active(d).stream().filter(p -> isNew(p, hash)).toList();
    for (int i = current.size(); i < desired; i++) {
      createPod(d, hash);
    }
    List<PodRecord> newestFirst = new ArrayList<>(current);
    Collections.reverse(newestFirst);
    newestFirst.stream()
        .sorted(Comparator.comparing((PodRecord p) -> p.ready)) // stable: not ready first
        .limit(Math.max(0, current.size() - desired))
        .forEach(p -> ctx.deletePod(p, "scale down"));
  }

  private void createPod(Deployment d, String hash) {
    String name = d.getMetadata().getName() + "-" + hash + "-" + PodTemplates.randomSuffix();
    ctx.createPod(
        PodTemplates.newPod(d.getSpec().getTemplate(), d, name, Map.of("pod-template-hash", hash)),
        d,
        hash);
  }

  private StatusWriter.Write writeStatus(Deployment d, String hash, int desired) {
    List<PodRecord> active = active(d);
    int replicas = active.size();
    int updated = (int) active.stream().filter(p -> isNew(p, hash)).count();
    int available = (int) active.stream().filter(p -> p.ready).count();
    boolean complete = updated == desired && replicas == desired && available == desired;
    String rs = d.getMetadata().getName() + "-" + hash;
    DeploymentStatus previous = status.previous(d);
    DeploymentStatus computed =
        new DeploymentStatusBuilder()
            .withObservedGeneration(d.getMetadata().getGeneration())
            .withReplicas(omitZero(replicas))
            .withUpdatedReplicas(omitZero(updated))
            .withReadyReplicas(omitZero(available))
            .withAvailableReplicas(omitZero(available))
            .withUnavailableReplicas(omitZero(Math.max(0, Math.max(desired, replicas) - available)))
            .withConditions(
                condition(
                    previous,
                    "Available",
                    available >= desired,
                    available >= desired
                        ? "MinimumReplicasAvailable"
                        : "MinimumReplicasUnavailable",
                    available >= desired
                        ? "Deployment has minimum availability."
                        : "Deployment does not have minimum availability."),
                condition(
                    previous,
                    "Progressing",
                    true,
                    complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                    complete
                        ? "ReplicaSet \"" + rs + "\" has successfully progressed."
                        : "ReplicaSet \"" + rs + "\" is progressing."))
            .build();
    StatusWriter.Write write =
        status.writeIfChanged(
            d,
            computed,
            cached ->
                ctx.replaceStatus(
                    SimContext.named(
                        new Deployment(),
                        cached.getMetadata().getNamespace(),
                        cached.getMetadata().getName()),
                    computed));
    String key = hash + "/" + desired;
    if (complete && !key.equals(completeLogged.get(d.getMetadata().getUid()))) {
      completeLogged.put(d.getMetadata().getUid(), key);
      ctx.log.add(
          "deployment",
          d.getMetadata().getName(),
          "rollout complete",
          null,
          "hash " + hash + ", replicas " + desired);
    }
    return write;
  }

  /** The condition, keeping the previous one's times where the API server's controller would. */
  private static DeploymentCondition condition(
      DeploymentStatus previous, String type, boolean value, String reason, String message) {
    String now = PodStatuses.now();
    String status = value ? "True" : "False";
    DeploymentCondition old =
        previous == null || previous.getConditions() == null
            ? null
            : previous.getConditions().stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst()
                .orElse(null);
    boolean sameStatus = old != null && status.equals(old.getStatus());
    boolean same = sameStatus && reason.equals(old.getReason()) && message.equals(old.getMessage());
    return new DeploymentConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(sameStatus ? old.getLastTransitionTime() : now)
        .withLastUpdateTime(same ? old.getLastUpdateTime() : now)
        .build();
  }

  private List<PodRecord> active(Deployment d) {
    return ctx.pods.ownedBy(d.getMetadata().getUid()).stream().filter(PodRecord::active).toList();
  }

  private static boolean isNew(PodRecord p, String hash) {
    return hash.equals(p.templateHash);
  }

  private static int desired(Deployment d) {
    return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
  }

  private static String strategy(Deployment d) {
    return d.getSpec().getStrategy() == null || d.getSpec().getStrategy().getType() == null
        ? "RollingUpdate"
        : d.getSpec().getStrategy().getType();
  }

  /** The API server omits zero counts ({@code omitempty}): callers must read null as 0. */
  private static Integer omitZero(int n) {
    return n == 0 ? null : n;
  }
}
