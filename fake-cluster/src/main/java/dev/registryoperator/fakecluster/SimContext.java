package dev.registryoperator.fakecluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/** What the parts of the {@link FakeCluster} share. */
final class SimContext {
  final KubernetesClient client;
  final FakeCluster.Settings settings;
  final EventLog log;
  final PodTable pods = new PodTable();
  final PodRuntime runtime;
  final ScheduledExecutorService logic;
  final ExecutorService workers;
  final List<Throwable> errors;
  private final Supplier<Collection<String>> namespaces;

  /** Deployments and Jobs as last observed, kept on the logic thread so log order matches. */
  final Map<String, Deployment> deployments = new LinkedHashMap<>();

  final Map<String, Job> jobs = new LinkedHashMap<>();

  /** Every pod as the pod informer last saw it, by namespace ({@code Cache.NAMESPACE_INDEX}). */
  private volatile Indexer<Pod> podCache;

  /**
   * One logic thread's context, for the namespaces {@code namespaces} lists (null: all of them);
   * the log, the errors, the runtime and the workers are the cluster's.
   */
  SimContext(
      KubernetesClient client,
      FakeCluster.Settings settings,
      PodRuntime runtime,
      ScheduledExecutorService logic,
      ExecutorService workers,
      EventLog log,
      List<Throwable> errors,
      Supplier<Collection<String>> namespaces) {
    this.client = client;
    this.settings = settings;
    this.runtime = runtime;
    this.logic = logic;
    this.workers = workers;
    this.log = log;
    this.errors = errors;
    this.namespaces = namespaces;
  }

  /** The namespaces this logic thread runs, or null for all of them (the only thread). */
  Collection<String> namespaces() {
    return namespaces == null ? null : namespaces.get();
  }

  Indexer<Pod> podCache() {
    return podCache;
  }

  void podCache(Indexer<Pod> cache) {
    this.podCache = cache;
  }

  /** Runs a task on the logic thread; a failure is recorded, never kills the thread. */
  void run(String what, Runnable task) {
    try {
      logic.execute(guarded(what, task));
    } catch (RejectedExecutionException e) {
      // closed: nothing more to do
    }
  }

  Runnable guarded(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        if (!logic.isShutdown()) {
          errors.add(new IllegalStateException("fake cluster: " + what + " failed", e));
          log.add("error", what, e.toString(), null, null);
        }
      }
    };
  }

  /** The controlling Deployment or Job of a pod, as last observed, or null. */
  HasMetadata ownerOf(PodRecord r) {
    if (r.ownerUid == null) {
      return null;
    }
    return "Deployment".equals(r.ownerKind)
        ? deployments.get(r.ownerUid)
        : "Job".equals(r.ownerKind) ? jobs.get(r.ownerUid) : null;
  }

  /** Creates a pod for an owner and starts managing it. */
  PodRecord createPod(Pod pod, HasMetadata owner, String templateHash) {
    Pod created = client.resource(pod).create();
    PodRecord r =
        new PodRecord(
            created,
            owner.getKind(),
            owner.getMetadata().getName(),
            owner.getMetadata().getUid(),
            templateHash);
    pods.add(r);
    log.add("pod", r.name, "created", r.owner(), null);
    return r;
  }

  /** Deletes a pod; the API server marks it terminating (it carries the kubelet finalizer). */
  void deletePod(PodRecord r, String why) {
    if (r.terminating || r.gone()) {
      return;
    }
    client.pods().inNamespace(r.namespace).withName(r.name).delete();
    r.terminating = true;
    log.add("pod", r.name, "terminating", r.owner(), why);
  }

  /**
   * A JSON patch that replaces an object's whole status, for its {@code status} subresource: one
   * request, where an {@code editStatus} reads the object first (at a thousand registries the
   * fake's reads were a good part of what the API server answered).
   */
  static String statusPatch(Object status) {
    return "[{\"op\":\"add\",\"path\":\"/status\",\"value\":" + Serialization.asJson(status) + "}]";
  }

  static final PatchContext JSON_PATCH = PatchContext.of(PatchType.JSON);

  /**
   * A JSON patch that replaces {@code metadata.finalizers} with {@code after} only if they are
   * still {@code before} (else 422, and nothing changes).
   */
  static String replaceFinalizers(List<String> before, List<String> after) {
    return "[{\"op\":\"test\",\"path\":\"/metadata/finalizers\",\"value\":"
        + Serialization.asJson(before)
        + "},{\"op\":\"replace\",\"path\":\"/metadata/finalizers\",\"value\":"
        + Serialization.asJson(after)
        + "}]";
  }

  /**
   * {@code empty} (a new Pod, Deployment, Job...) named {@code namespace/name}: a request made with
   * it names its object without Fabric8 reading it first, as it does for a request made by name
   * ({@code withName(n).patch(...)} is a get and a patch).
   */
  static <T extends HasMetadata> T named(T empty, String namespace, String name) {
    empty.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    return empty;
  }

  /**
   * Replaces the status of the object {@code ref} names ({@link #named}) with one request; returns
   * the object as stored.
   */
  <T extends HasMetadata> T replaceStatus(T ref, Object status) {
    return client.resource(ref).subresource("status").patch(JSON_PATCH, statusPatch(status));
  }

  /** Replaces a pod's status (a deleted pod is ignored). */
  void writePodStatus(PodRecord r, PodStatus status) {
    try {
      replaceStatus(named(new Pod(), r.namespace, r.name), status);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }
}
