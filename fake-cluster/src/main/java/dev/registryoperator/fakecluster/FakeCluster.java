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
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * A fake of the cluster parts the Fabric8 CRUD mock lacks, for tests: Deployment (and ReplicaSet)
 * controller, Job controller, scheduler, kubelet and owner-reference garbage collector. It watches
 * the mock through a client and writes pods and statuses back, so reconciler tests can assert on
 * the order of what happened via {@link #log()}.
 *
 * <p>All decisions run on one thread, every {@code tick} (or, with {@link Builder#logicThreads}, on
 * one thread per group of namespaces); blocking pod runtime calls run on workers. Pods it creates
 * carry {@link #KUBELET_FINALIZER}, so deleting one leaves it terminating (deletionTimestamp set,
 * still listed with its labels) until the runtime has stopped it. A pod created by anyone else with
 * that finalizer is adopted and run the same way.
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
      boolean legacyJobConditions,
      int logicThreads) {}

  /** One logic thread and the controllers, kubelet and garbage collector it runs. */
  private record Shard(
      SimContext ctx,
      FakeKubelet kubelet,
      FakeDeploymentController deployments,
      FakeJobController jobs,
      FakeGarbageCollector gc) {}

  /** What an informer's event does, on the logic thread of the object's namespace. */
  private interface Change<T> {
    void accept(Shard shard, T oldObj, T newObj);
  }

  private final Settings settings;
  private final KubernetesClient client;
  private final PodRuntime runtime;
  private final ExecutorService workers;
  private final EventLog log = new EventLog();
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();
  private final List<Shard> shards = new ArrayList<>();
  private final Map<String, Integer> shardOfNamespace = new ConcurrentHashMap<>();
  private final AtomicInteger namespacesSeen = new AtomicInteger();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private OwnerCache owners;

  private FakeCluster(KubernetesClient client, Settings s) {
    this.settings = s;
    this.client = client;
    runtime =
        s.podRuntime() != null
            ? s.podRuntime()
            : new FakePodRuntime(
                s.readyDelay(), s.terminationGrace(), s.jobRunTime(), s.jobBehaviour());
    workers = Executors.newCachedThreadPool(r -> daemon(r, "fake-cluster-runtime"));
  }

  public static Builder builder(KubernetesClient client) {
    return new Builder(client);
  }

  /**
   * The logic thread of a namespace: with one (the default) every object's; with more, namespaces
   * are dealt to them in the order they are first seen.
   */
  private int shardOf(String namespace) {
    if (settings.logicThreads() <= 1) {
      return 0;
    }
    return shardOfNamespace.computeIfAbsent(
        String.valueOf(namespace),
        n -> Math.floorMod(namespacesSeen.getAndIncrement(), settings.logicThreads()));
  }

  private List<String> namespacesOf(int shard) {
    return shardOfNamespace.entrySet().stream()
        .filter(e -> e.getValue() == shard)
        .map(Map.Entry::getKey)
        .toList();
  }

  private Shard shard(HasMetadata o) {
    return shards.get(shardOf(o.getMetadata().getNamespace()));
  }

  private FakeCluster begin() {
    int threads = Math.max(1, settings.logicThreads());
    for (int i = 0; i < threads; i++) {
      String name = threads == 1 ? "fake-cluster" : "fake-cluster-" + i;
      ScheduledExecutorService logic =
          Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name));
      int shard = i;
      SimContext ctx =
          new SimContext(
              client,
              settings,
              runtime,
              logic,
              workers,
              log,
              errors,
              threads == 1 ? null : () -> namespacesOf(shard));
      if (owners == null) {
        owners =
            new OwnerCache(
                ctx,
                owner -> {
                  Shard sh = shard(owner);
                  sh.ctx()
                      .run("owner deleted", () -> sh.gc().ownerGone(owner.getMetadata().getUid()));
                });
      }
      shards.add(
          new Shard(
              ctx,
              new FakeKubelet(ctx),
              new FakeDeploymentController(ctx),
              new FakeJobController(ctx),
              new FakeGarbageCollector(ctx, owners)));
    }
    inform(
        Deployment.class,
        true,
        (sh, o, n) -> sh.deployments().observe(o, n),
        (sh, o) -> {
          sh.deployments().observeDeleted(o);
          sh.gc().ownerGone(o.getMetadata().getUid());
        });
    inform(
        Job.class,
        true,
        (sh, o, n) -> sh.jobs().observe(o, n),
        (sh, o) -> {
          sh.jobs().observeDeleted(o);
          sh.gc().ownerGone(o.getMetadata().getUid());
        });
    Indexer<Pod> podCache =
        inform(
                Pod.class,
                false,
                (sh, o, p) -> sh.kubelet().observe(p),
                (sh, p) -> sh.kubelet().observeGone(p))
            .getIndexer();
    for (Class<? extends HasMetadata> type : settings.gcTypes()) {
      SharedIndexInformer<? extends HasMetadata> informer =
          inform(type, false, (sh, o, n) -> sh.gc().changed(n), (sh, o) -> sh.gc().forget(o));
      shards.forEach(sh -> sh.gc().watch(informer));
    }
    shards.forEach(sh -> sh.ctx().podCache(podCache));
    CompletableFuture.allOf(
            informers.stream()
                .map(SharedIndexInformer::start)
                .map(CompletionStage::toCompletableFuture)
                .toArray(CompletableFuture[]::new))
        .join();
    for (Shard sh : shards) {
      sh.ctx()
          .logic
          .scheduleWithFixedDelay(
              sh.ctx()
                  .guarded(
                      "tick",
                      () -> {
                        sh.deployments().tick();
                        sh.jobs().tick();
                        sh.kubelet().tick();
                      }),
              0,
              settings.tick().toMillis(),
              TimeUnit.MILLISECONDS);
      sh.ctx()
          .logic
          .scheduleWithFixedDelay(
              sh.ctx().guarded("gc", sh.gc()::sweep),
              settings.gcInterval().toMillis(),
              settings.gcInterval().toMillis(),
              TimeUnit.MILLISECONDS);
    }
    return this;
  }

  private <T extends HasMetadata> SharedIndexInformer<T> inform(
      Class<T> type, boolean filtered, Change<T> onChange, BiConsumer<Shard, T> onDelete) {
    var ops =
        settings.namespace() == null
            ? client.resources(type).inAnyNamespace()
            : client.resources(type).inNamespace(settings.namespace());
    var selected =
        filtered && !settings.selector().isEmpty() ? ops.withLabels(settings.selector()) : ops;
    String what = type.getSimpleName();
    SharedIndexInformer<T> informer = selected.runnableInformer(0);
    informer.addEventHandler(
        new ResourceEventHandler<T>() {
          @Override
          public void onAdd(T obj) {
            Shard sh = shard(obj);
            sh.ctx().run(what + " added", () -> onChange.accept(sh, null, obj));
          }

          @Override
          public void onUpdate(T oldObj, T newObj) {
            Shard sh = shard(newObj);
            sh.ctx().run(what + " updated", () -> onChange.accept(sh, oldObj, newObj));
          }

          @Override
          public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            Shard sh = shard(obj);
            sh.ctx().run(what + " deleted", () -> onDelete.accept(sh, obj));
          }
        });
    informers.add(informer);
    return informer;
  }

  /** What the fake observed and did, in order. */
  public EventLog log() {
    return log;
  }

  /** Failures inside the fake (a test should expect none). */
  public List<Throwable> errors() {
    return List.copyOf(errors);
  }

  public Settings settings() {
    return settings;
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
    return client.pods().inNamespace(namespace).list().getItems().stream()
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
    shards.forEach(sh -> sh.ctx().logic.shutdownNow());
    workers.shutdownNow();
    try {
      for (Shard sh : shards) {
        sh.ctx().logic.awaitTermination(5, TimeUnit.SECONDS);
      }
      // A worker may be starting a pod or writing its status: let it finish before the runtime
      // stops every process (a pod started after that would be left running) and before the
      // caller closes the API server.
      workers.awaitTermination(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (owners != null) {
      owners.close();
    }
    runtime.close();
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
    private int logicThreads = 1;

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

    /**
     * How many threads run the controllers, the kubelet and the garbage collector (default 1);
     * namespaces are dealt to them in the order they are first seen, so one namespace's objects are
     * always handled by one thread, in order, and the event log of one namespace reads as with one
     * thread. With more than one, the {@link PodRuntime}'s {@code isReady} and {@code poll} are
     * called from that many threads (each pod's always from the same one): {@link FakePodRuntime}
     * allows it. For many namespaces on a loaded machine, where one thread waiting on each request
     * in turn cannot keep up (the scale benchmark).
     */
    public Builder logicThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("logicThreads must be at least 1: " + threads);
      }
      this.logicThreads = threads;
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
          legacyJobConditions,
          logicThreads);
    }

    /** Starts watching; returns once the informers have synced. */
    public FakeCluster start() {
      return new FakeCluster(client, settings()).begin();
    }
  }
}
