package dev.registryoperator.fakecluster;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A fake of the cluster parts the Fabric8 CRUD mock lacks, for tests: Deployment (and ReplicaSet)
 * controller, Job controller, scheduler, kubelet and owner-reference garbage collector. It watches
 * the mock through a client and writes pods and statuses back, so reconciler tests can assert on
 * the order of what happened via {@link #log()}.
 *
 * <p>All decisions run on one thread, every {@code tick}; blocking pod runtime calls run on
 * workers. Pods it creates carry {@link #KUBELET_FINALIZER}, so deleting one leaves it terminating
 * (deletionTimestamp set, still listed with its labels) until the runtime has stopped it. A pod
 * created by anyone else with that finalizer is adopted and run the same way.
 *
 * <pre>{@code
 * try (MockApiServer api = MockApiServer.start();
 *      FakeCluster cluster = FakeCluster.builder(api.newClient()).namespace("ns")
 *          .jobBehaviour(JobBehaviour.succeed("{\"blobsDeleted\":3}")).start()) {
 *   ...
 *   assertThat(cluster.log().indexOf("job gc-1 created"))
 *       .isGreaterThan(cluster.log().indexOfLastMatch("pod r-.* gone"));
 * }
 * }</pre>
 */
public final class FakeCluster implements AutoCloseable {
  /** Finalizer the fake kubelet puts on its pods and removes once their containers have stopped. */
  public static final String KUBELET_FINALIZER = "testing.registry-operator/kubelet";

  /** Immutable settings; see {@link Builder}. */
  public record Settings(
      String namespace,
      Map<String, String> selector,
      Duration readyDelay,
      Duration terminationGrace,
      Duration jobRunTime,
      Duration tick,
      Duration gcInterval,
      List<String> nodes,
      JobBehaviour jobBehaviour,
      PodRuntime podRuntime,
      List<Class<? extends HasMetadata>> gcTypes,
      boolean legacyJobConditions) {}

  private final SimContext ctx;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private FakeGarbageCollector gc;

  private FakeCluster(KubernetesClient client, Settings s) {
    PodRuntime runtime =
        s.podRuntime() != null
            ? s.podRuntime()
            : new FakePodRuntime(
                s.readyDelay(), s.terminationGrace(), s.jobRunTime(), s.jobBehaviour());
    ScheduledExecutorService logic =
        Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "fake-cluster"));
    ExecutorService workers = Executors.newCachedThreadPool(r -> daemon(r, "fake-cluster-runtime"));
    ctx = new SimContext(client, s, runtime, logic, workers);
  }

  public static Builder builder(KubernetesClient client) {
    return new Builder(client);
  }

  private FakeCluster begin() {
    FakeKubelet kubelet = new FakeKubelet(ctx);
    FakeDeploymentController deployments = new FakeDeploymentController(ctx);
    FakeJobController jobs = new FakeJobController(ctx);
    gc = new FakeGarbageCollector(ctx);
    Settings s = ctx.settings;
    inform(Deployment.class, true, deployments::observe, deployments::observeDeleted);
    inform(Job.class, true, jobs::observe, jobs::observeDeleted);
    ctx.podCache(
        inform(Pod.class, false, (o, p) -> kubelet.observe(p), kubelet::observeGone).getIndexer());
    for (Class<? extends HasMetadata> type : s.gcTypes()) {
      gc.watch(inform(type, false, (o, n) -> {}, o -> {}));
    }
    CompletableFuture.allOf(
            informers.stream()
                .map(SharedIndexInformer::start)
                .map(CompletionStage::toCompletableFuture)
                .toArray(CompletableFuture[]::new))
        .join();
    ctx.logic.scheduleWithFixedDelay(
        ctx.guarded(
            "tick",
            () -> {
              deployments.tick();
              jobs.tick();
              kubelet.tick();
            }),
        0,
        s.tick().toMillis(),
        TimeUnit.MILLISECONDS);
    ctx.logic.scheduleWithFixedDelay(
        ctx.guarded("gc", gc::sweep),
        s.gcInterval().toMillis(),
        s.gcInterval().toMillis(),
        TimeUnit.MILLISECONDS);
    return this;
  }

  private <T extends HasMetadata> SharedIndexInformer<T> inform(
      Class<T> type, boolean filtered, BiConsumer<T, T> onChange, Consumer<T> onDelete) {
    var ops =
        ctx.settings.namespace() == null
            ? ctx.client.resources(type).inAnyNamespace()
            : ctx.client.resources(type).inNamespace(ctx.settings.namespace());
    var selected =
        filtered && !ctx.settings.selector().isEmpty()
            ? ops.withLabels(ctx.settings.selector())
            : ops;
    String what = type.getSimpleName();
    SharedIndexInformer<T> informer = selected.runnableInformer(0);
    informer.addEventHandler(
        new ResourceEventHandler<T>() {
          @Override
          public void onAdd(T obj) {
            ctx.run(what + " added", () -> onChange.accept(null, obj));
          }

          @Override
          public void onUpdate(T oldObj, T newObj) {
            ctx.run(what + " updated", () -> onChange.accept(oldObj, newObj));
          }

          @Override
          public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            ctx.run(what + " deleted", () -> onDelete.accept(obj));
          }
        });
    informers.add(informer);
    return informer;
  }

  /** What the fake observed and did, in order. */
  public EventLog log() {
    return ctx.log;
  }

  /** Failures inside the fake (a test should expect none). */
  public List<Throwable> errors() {
    return List.copyOf(ctx.errors);
  }

  public Settings settings() {
    return ctx.settings;
  }

  /** Live from the API: pods controlled by the named Deployment, terminating ones included. */
  public List<Pod> podsOfDeployment(String namespace, String name) {
    return podsControlledBy(namespace, "Deployment", name);
  }

  /** Live from the API: pods controlled by the named Job, terminating ones included. */
  public List<Pod> podsOfJob(String namespace, String name) {
    return podsControlledBy(namespace, "Job", name);
  }

  /** Live from the API: pods whose controller reference is {@code kind/name}. */
  public List<Pod> podsControlledBy(String namespace, String kind, String name) {
    return ctx.client.pods().inNamespace(namespace).list().getItems().stream()
        .filter(
            p ->
                p.getMetadata().getOwnerReferences() != null
                    && p.getMetadata().getOwnerReferences().stream()
                        .anyMatch(
                            o ->
                                Boolean.TRUE.equals(o.getController())
                                    && kind.equals(o.getKind())
                                    && name.equals(o.getName())))
        .toList();
  }

  public static boolean isTerminating(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  public static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    ctx.logic.shutdownNow();
    ctx.workers.shutdownNow();
    try {
      ctx.logic.awaitTermination(5, TimeUnit.SECONDS);
      // A worker may be starting a pod or writing its status: let it finish before the runtime
      // stops every
      // process (a pod started after that would be left running) and before the caller closes the
      // API server.
      ctx.workers.awaitTermination(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (gc != null) {
      gc.close();
    }
    ctx.runtime.close();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Knobs, with short defaults so tests stay fast. */
  public static final class Builder {
    private final KubernetesClient client;
    private String namespace;
    private Map<String, String> selector =
        Map.of("app.kubernetes.io/managed-by", "registry-operator");
    private Duration readyDelay = Duration.ofMillis(300);
    private Duration terminationGrace = Duration.ofMillis(300);
    private Duration jobRunTime = Duration.ofMillis(300);
    private Duration tick = Duration.ofMillis(20);
    private Duration gcInterval = Duration.ofMillis(100);
    private List<String> nodes = List.of("node-a", "node-b", "node-c");
    private JobBehaviour jobBehaviour = JobBehaviour.succeed("{}");
    private PodRuntime podRuntime;
    private List<Class<? extends HasMetadata>> gcTypes =
        List.of(
            Pod.class,
            ConfigMap.class,
            Secret.class,
            Service.class,
            PersistentVolumeClaim.class,
            Deployment.class,
            Job.class);
    private boolean legacyJobConditions;

    private Builder(KubernetesClient client) {
      this.client = client;
    }

    /** Watch one namespace (default: all). */
    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    /**
     * Labels a Deployment or Job must carry to be run (default {@code
     * app.kubernetes.io/managed-by=registry-operator}); empty for all. Pods and garbage collection
     * are not filtered.
     */
    public Builder selector(Map<String, String> selector) {
      this.selector = Map.copyOf(selector);
      return this;
    }

    /** Time from container start to Ready (fake runtime). */
    public Builder readyDelay(Duration d) {
      this.readyDelay = d;
      return this;
    }

    /** Time a deleted pod stays terminating before it is gone (fake runtime). */
    public Builder terminationGrace(Duration d) {
      this.terminationGrace = d;
      return this;
    }

    /** Run time of a Job pod when the {@link JobBehaviour} gives none (fake runtime). */
    public Builder jobRunTime(Duration d) {
      this.jobRunTime = d;
      return this;
    }

    /** How often the controllers and kubelet look at everything. */
    public Builder tick(Duration d) {
      this.tick = d;
      return this;
    }

    public Builder gcInterval(Duration d) {
      this.gcInterval = d;
      return this;
    }

    public Builder nodes(List<String> nodes) {
      this.nodes = List.copyOf(nodes);
      return this;
    }

    public Builder jobBehaviour(JobBehaviour b) {
      this.jobBehaviour = b;
      return this;
    }

    /** Replaces the fake runtime (the delays and the job behaviour are then unused). */
    public Builder podRuntime(PodRuntime runtime) {
      this.podRuntime = runtime;
      return this;
    }

    /** Kinds whose orphans the garbage collector deletes. */
    @SafeVarargs
    public final Builder gcTypes(Class<? extends HasMetadata>... types) {
      this.gcTypes = List.of(types);
      return this;
    }

    /** Job Failed/Complete at once, before its pods are gone (Kubernetes before 1.31). */
    public Builder legacyJobConditions(boolean legacy) {
      this.legacyJobConditions = legacy;
      return this;
    }

    public Settings settings() {
      return new Settings(
          namespace,
          selector,
          readyDelay,
          terminationGrace,
          jobRunTime,
          tick,
          gcInterval,
          nodes,
          jobBehaviour,
          podRuntime,
          gcTypes,
          legacyJobConditions);
    }

    /** Starts watching; returns once the informers have synced. */
    public FakeCluster start() {
      return new FakeCluster(client, settings()).begin();
    }
  }
}
