package dev.registryoperator.fakecluster;

import dev.registryoperator.fakecluster.PodRecord.State;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs the pods that carry {@link FakeCluster#KUBELET_FINALIZER}: start, readiness, exit, and
 * graceful termination (the finalizer keeps a deleted pod listed, with its labels and a
 * deletionTimestamp, until its containers have stopped). Logic on the logic thread; {@link
 * PodRuntime#start}/{@code stop} on workers.
 */
final class FakeKubelet {
  private final SimContext ctx;
  private final FakeScheduler scheduler;

  FakeKubelet(SimContext ctx) {
    this.ctx = ctx;
    this.scheduler = new FakeScheduler(ctx);
  }

  /** Informer saw a pod added or changed. */
  void observe(Pod pod) {
    Optional<PodRecord> known = ctx.pods.get(pod.getMetadata().getUid());
    if (known.isEmpty()) {
      adoptIfOurs(pod);
      return;
    }
    PodRecord r = known.get();
    if (pod.getMetadata().getDeletionTimestamp() != null && !r.terminating && !r.gone()) {
      r.terminating = true;
      ctx.log.add("pod", r.name, "terminating", r.owner(), "deletionTimestamp observed");
    }
  }

  /** Informer saw a pod disappear (deleted without our finalizer, or someone removed it). */
  void observeGone(Pod pod) {
    ctx.pods
        .get(pod.getMetadata().getUid())
        .ifPresent(
            r -> {
              if (r.gone()) {
                return;
              }
              State before = r.state;
              r.state = State.Gone;
              ctx.log.add("pod", r.name, "gone", r.owner(), "deletion observed");
              if (before == State.Running || before == State.Starting) {
                Pod p = r.pod;
                ctx.workers.execute(() -> stopQuietly(p));
              }
            });
  }

  void tick() {
    for (PodRecord r : ctx.pods.live()) {
      if (r.gone()) {
        continue;
      }
      if (r.terminating) {
        terminate(r);
        continue;
      }
      switch (r.state) {
        case Pending -> scheduler.trySchedule(r);
        case Scheduled -> start(r);
        case Running -> probe(r);
        default -> {}
      }
    }
  }

  private void adoptIfOurs(Pod pod) {
    if (pod.getMetadata().getFinalizers() == null
        || !pod.getMetadata().getFinalizers().contains(FakeCluster.KUBELET_FINALIZER)) {
      return;
    }
    OwnerReference ref =
        pod.getMetadata().getOwnerReferences() == null
            ? null
            : pod.getMetadata().getOwnerReferences().stream()
                .filter(o -> Boolean.TRUE.equals(o.getController()))
                .findFirst()
                .orElse(null);
    PodRecord r =
        ref == null
            ? new PodRecord(pod, null, null, null, null)
            : new PodRecord(
                pod,
                ref.getKind(),
                ref.getName(),
                ref.getUid(),
                pod.getMetadata().getLabels() == null
                    ? null
                    : pod.getMetadata().getLabels().get("pod-template-hash"));
    ctx.pods.add(r);
    ctx.log.add("pod", r.name, "adopted", r.owner(), "has the kubelet finalizer");
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      r.terminating = true;
    }
  }

  private void start(PodRecord r) {
    r.state = State.Starting;
    Pod pod = r.pod;
    var owner = ctx.ownerOf(r);
    ctx.workers.execute(
        () -> {
          Exception failure = null;
          try {
            ctx.runtime.start(pod, owner);
          } catch (Exception e) {
            failure = e;
          }
          Exception f = failure;
          ctx.run("start pod " + r.name, () -> onStarted(r, f));
        });
  }

  private void onStarted(PodRecord r, Exception failure) {
    if (r.gone()) {
      return;
    }
    if (failure != null) {
      finish(r, new PodRuntime.Termination(128, "StartError", failure.toString()), "terminated");
      return;
    }
    r.state = State.Running;
    r.startedAt = Instant.now();
    r.ready = false;
    if (r.terminating) {
      terminate(r);
      return;
    }
    ctx.writePodStatus(r, PodStatuses.running(r));
    ctx.log.add(
        "pod",
        r.name,
        r.restarts == 0 ? "running" : "running restarts=" + r.restarts,
        r.owner(),
        "node " + r.nodeName);
    if ("Job".equals(r.ownerKind)) {
      ctx.log.add("job", r.ownerName, "pod started", r.owner(), r.name);
    }
  }

  private void probe(PodRecord r) {
    Optional<PodRuntime.Termination> exit = ctx.runtime.poll(r.pod);
    if (exit.isPresent()) {
      String policy = r.pod.getSpec().getRestartPolicy();
      int code = exit.get().exitCode();
      if ("Never".equals(policy) || ("OnFailure".equals(policy) && code == 0)) {
        finish(r, exit.get(), "terminated");
      } else {
        r.restarts++;
        r.ready = false;
        r.state = State.Scheduled;
        ctx.log.add("pod", r.name, "restarting exit=" + code, r.owner(), null);
      }
      return;
    }
    boolean ready = ctx.runtime.isReady(r.pod);
    if (ready != r.ready) {
      r.ready = ready;
      ctx.writePodStatus(r, PodStatuses.running(r));
      ctx.log.add("pod", r.name, ready ? "ready" : "not ready", r.owner(), null);
    }
  }

  private void terminate(PodRecord r) {
    if (r.finalizerReleased) {
      return; // other finalizers hold it; the informer reports when it is gone
    }
    switch (r.state) {
      case Pending, Scheduled, Exited, Stopped -> removeFinalizer(r);
      case Running -> {
        r.state = State.Stopping;
        Pod pod = r.pod;
        ctx.workers.execute(
            () -> {
              PodRuntime.Termination t;
              try {
                t = ctx.runtime.stop(pod);
              } catch (Exception e) {
                t = new PodRuntime.Termination(137, "Error", "stop failed: " + e);
              }
              PodRuntime.Termination end = t;
              ctx.run(
                  "stop pod " + r.name,
                  () -> {
                    if (!r.gone()) {
                      finish(r, end, "stopped");
                      removeFinalizer(r);
                    }
                  });
            });
      }
      default -> {} // STARTING: onStarted stops it; STOPPING: under way; GONE: nothing.
    }
  }

  /** Containers ended: terminal phase and {@code state.terminated} written. */
  private void finish(PodRecord r, PodRuntime.Termination t, String verb) {
    r.state = r.terminating ? State.Stopped : State.Exited;
    r.termination = t;
    r.ready = false;
    ctx.writePodStatus(r, PodStatuses.terminated(r));
    ctx.log.add("pod", r.name, verb + " exit=" + t.exitCode(), r.owner(), t.message());
    if ("Job".equals(r.ownerKind) && !r.terminating) {
      ctx.log.add("job", r.ownerName, "pod terminated exit=" + t.exitCode(), r.owner(), r.name);
    }
  }

  private void removeFinalizer(PodRecord r) {
    List<String> left = new ArrayList<>();
    try {
      if (!removeFinalizerAsCached(r, left)) {
        editOutFinalizer(r, left);
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
    r.finalizerReleased = true;
    if (left.isEmpty()) {
      r.state = State.Gone;
      ctx.log.add("pod", r.name, "gone", r.owner(), null);
    } else {
      r.state = r.finished() ? r.state : State.Stopped;
    }
  }

  /**
   * One JSON patch that tests the finalizers the pod informer last saw and replaces them without
   * ours; false (nothing changed) when the cache does not have this pod or is behind.
   */
  private boolean removeFinalizerAsCached(PodRecord r, List<String> left) {
    Pod cached = ctx.podCache().getByKey(Cache.namespaceKeyFunc(r.namespace, r.name));
    if (cached == null
        || !r.uid.equals(cached.getMetadata().getUid())
        || cached.getMetadata().getFinalizers() == null
        || !cached.getMetadata().getFinalizers().contains(FakeCluster.KUBELET_FINALIZER)) {
      return false;
    }
    List<String> before = cached.getMetadata().getFinalizers();
    List<String> after = new ArrayList<>(before);
    after.remove(FakeCluster.KUBELET_FINALIZER);
    String patch = SimContext.replaceFinalizers(before, after);
    try {
      ctx.client
          .resource(SimContext.named(new Pod(), r.namespace, r.name))
          .patch(SimContext.JSON_PATCH, patch);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 422) {
        return false; // the cache is behind: read the pod and edit it
      }
      throw e;
    }
    left.addAll(after);
    return true;
  }

  private void editOutFinalizer(PodRecord r, List<String> left) {
    ctx.client
        .pods()
        .inNamespace(r.namespace)
        .withName(r.name)
        .edit(
            p -> {
              List<String> f = new ArrayList<>(p.getMetadata().getFinalizers());
              f.remove(FakeCluster.KUBELET_FINALIZER);
              left.addAll(f);
              p.getMetadata().setFinalizers(f);
              return p;
            });
  }

  private void stopQuietly(Pod pod) {
    try {
      ctx.runtime.stop(pod);
    } catch (Exception ignored) {
      // The pod is gone from the API already; nothing to report.
    }
  }
}
