package dev.registryoperator.scale;

import dev.registryoperator.common.Labels;
import dev.registryoperator.fakecluster.ApiRequest;
import dev.registryoperator.fakecluster.FakeCluster;
import dev.registryoperator.fakecluster.JobBehaviour;
import dev.registryoperator.fakecluster.MockApiServer;
import dev.registryoperator.gc.GcSchedule;
import dev.registryoperator.registry.Registry;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * One size: the mock API server (CRUD mode, CRDs from {@code crds/}, every request recorded), the
 * fake cluster with simulated pods, the operator jar as its own process, then N Registries and N
 * GcSchedules over N/100 namespaces; converge, memory, idle, burst.
 */
final class ScaleRun {
  static final String FAKE_CLUSTER_AGENT = "fake-cluster/scale-benchmark";
  static final String BENCHMARK_AGENT = "scale-benchmark/user";

  /**
   * A GC runner report as the runner writes it: the preview (dry run) finds 1 GiB eligible, above
   * the example's 512 MiB threshold, so every run goes on to the read-only window and collects.
   */
  static final String COLLECTED_REPORT =
      "{\"version\":1,\"result\":\"Succeeded\",\"exitCode\":0,\"message\":\"collected\","
          + "\"dryRun\":false,\"eligibleBytes\":1073741824,\"reclaimedBytes\":1073741824,"
          + "\"blobsDeleted\":12,\"manifestsDeleted\":2,\"blobsEligible\":12,\"blobsMarked\":30}";

  static final String PREVIEW_REPORT =
      COLLECTED_REPORT
          .replace("\"dryRun\":false", "\"dryRun\":true")
          .replace("\"reclaimedBytes\":1073741824", "\"reclaimedBytes\":0");

  /** What one size measured, for the summary table. */
  record Result(
      int n,
      String flags,
      double convergeSeconds,
      double operatorCpu,
      long operatorWrites,
      long operatorRequests,
      double benchmarkCpuShare,
      double mockBusy,
      double fakeClusterLogicBusy,
      long rssConverged,
      long rssAfterGc,
      OperatorProcess.Heap heapAfterGc,
      long idleWrites,
      int idleSeconds,
      long rssAfterIdle,
      double burstSeconds,
      int burstRecorded,
      double burstCpu,
      long burstWrites) {}

  private final ScaleBenchmark.Settings settings;
  private final int n;
  private final PrintStream out;
  private final long self = ProcessHandle.current().pid();
  private final List<KubernetesClient> clients = new ArrayList<>();
  private MockApiServer api;
  private KubernetesClient user;
  private FakeCluster cluster;
  private OperatorProcess operator;
  private ProcCpu.Threads selfThreads;
  private ProcCpu.Threads operatorThreads;
  private int clusterThreads;

  ScaleRun(ScaleBenchmark.Settings settings, int n, PrintStream out) {
    this.settings = settings;
    this.n = n;
    this.out = out;
  }

  Result run() throws Exception {
    int namespaces = Math.max(1, (n + 99) / 100);
    clusterThreads =
        settings.clusterThreads() > 0 ? settings.clusterThreads() : Math.min(namespaces, 16);
    Path jfrSelf = settings.workDir().resolve("benchmark-" + n + ".jfr");
    Path jfrOperator = settings.workDir().resolve("operator-" + n + ".jfr");
    Files.deleteIfExists(jfrOperator);
    Recording recording = null;
    try {
      if (settings.jfr()) {
        recording = new Recording(Configuration.getConfiguration("profile"));
        recording.setDestination(jfrSelf);
        recording.start();
      }
      api = MockApiServer.start();
      api.dispatcher().recordRequests();
      user = client(BENCHMARK_AGENT);
      for (int i = 1; i <= namespaces; i++) {
        user.namespaces()
            .resource(
                new NamespaceBuilder().withNewMetadata().withName(ns(i)).endMetadata().build())
            .create();
      }
      installCrds();
      cluster =
          FakeCluster.builder(client(FAKE_CLUSTER_AGENT))
              .jobBehaviour(ScaleRun::gcJob)
              .logicThreads(clusterThreads)
              .start();
      selfThreads = new ProcCpu.Threads(self);
      Path kubeconfig = writeKubeconfig();
      Path log = settings.workDir().resolve("operator-" + n + ".log");
      Instant started = Instant.now();
      operator =
          OperatorProcess.start(
              settings.operatorJar(),
              settings.chart(),
              settings.operatorOptions(),
              kubeconfig,
              log,
              settings.jfr() ? jfrOperator : null);
      operatorThreads = new ProcCpu.Threads(operator.pid());
      operator.awaitHealthy(Duration.ofMinutes(2));
      double startup = seconds(started, Instant.now());
      Thread.sleep(3000); // let start-up work (JIT, informers' first lists) settle
      out.printf(
          "%n== N = %d: %d Registries + %d GcSchedules in %d namespace%s ==%n",
          n, n, n, namespaces, namespaces == 1 ? "" : "s");
      out.printf(
          "fake cluster: simulated pods (ready after 300 ms, 300 ms to stop, GC Jobs run 300 ms"
              + " and report 1 GiB reclaimable), %d logic thread%s%n",
          clusterThreads, clusterThreads == 1 ? "" : "s");
      out.println("operator: " + operator.describe());
      out.printf(
          "  container-like limit: %s (chart resources.limits.memory) as -XX:MaxRAM%s; JVM chose %s%n",
          settings.chart().memoryLimit(),
          operator.containerFlags().contains("-XX:+UseSerialGC")
              ? ", and -XX:+UseSerialGC, which the JVM picks itself with less than 1792 MiB"
                  + " (MaxRAM does not make it)"
              : "",
          operator.gcAndMaxHeap());
      out.printf(
          "  started: healthy after %.1f s; %.1f s CPU, RSS %s, %d threads (log: %s)%n",
          startup,
          operator.cpuSeconds(),
          ScaleBenchmark.mib(operator.rssBytes()),
          operator.threads(),
          settings.workDir().relativize(log));

      try (StatusWatch watch = new StatusWatch(user, n)) {
        return measure(watch, jfrOperator);
      }
    } finally {
      close();
      if (recording != null) {
        recording.stop();
        recording.close();
      }
      if (settings.jfr()) {
        out.println("  JFR, this JVM (mock API server, fake cluster, benchmark):");
        JfrTop.print(jfrSelf, out, 15, ScaleRun::benchmarkThreadGroup);
        out.println("  JFR, operator:");
        JfrTop.print(jfrOperator, out, 15, name -> name);
      }
    }
  }

  private Result measure(StatusWatch watch, Path jfrOperator) throws Exception {
    // Converge: N Registries and N GcSchedules created at once, as fast as this client can.
    Phase converge = new Phase();
    createObjects();
    double created = seconds(converge.start, Instant.now());
    boolean converged =
        await(
            () -> watch.convergedAt() != null,
            () ->
                "converged "
                    + watch.converged()
                    + "/"
                    + watch.expected()
                    + "; not yet: "
                    + watch.notConverged());
    Instant convergedAt = converged ? watch.convergedAt() : Instant.now();
    Phase.End c = converge.end(convergedAt);
    double convergeSeconds = seconds(converge.start, convergedAt);
    out.printf(
        "converge: %s (all %d objects created in %.1f s)%n",
        converged
            ? String.format("%.1f s", convergeSeconds)
            : "NOT within " + settings.timeoutMinutes() + " min: " + watch.notConverged(),
        2 * n,
        created);
    out.printf(
        "  operator CPU %.1f s = %.1f ms per Registry+GcSchedule%n",
        c.operatorCpu(), 1000 * c.operatorCpu() / n);
    c.printCpu(out);
    c.printRequests(out, n);

    // Memory after converging, then after a full GC.
    long rssConverged = operator.rssBytes();
    OperatorProcess.Heap heapConverged = operator.heap();
    operator.fullGc();
    Thread.sleep(2000);
    long rssAfterGc = operator.rssBytes();
    OperatorProcess.Heap heapAfterGc = operator.heap();
    out.printf(
        "memory: converged RSS %s, %s; after a full GC (jcmd GC.run) RSS %s, %s; %d threads%n",
        ScaleBenchmark.mib(rssConverged),
        heapConverged,
        ScaleBenchmark.mib(rssAfterGc),
        heapAfterGc,
        operator.threads());

    String nativeMemory = operator.nativeMemory();
    if (!nativeMemory.isEmpty()) {
      out.println("  native memory (committed): " + nativeMemory);
    }
    out.println("  threads by name: " + operator.threadNames());

    // Idle: nothing changes; the operator should write nothing.
    Phase idle = new Phase();
    Thread.sleep(settings.idleSeconds() * 1000L);
    Phase.End i = idle.end(Instant.now());
    long idleWrites = i.requests().writes(Requests.OPERATOR);
    long rssAfterIdle = operator.rssBytes();
    out.printf(
        "idle %d s: operator writes %d (%s), reads %d (%s); CPU %.2f s; RSS %s%n",
        settings.idleSeconds(),
        idleWrites,
        i.requests().breakdown(Requests.OPERATOR, true, 1),
        i.requests().count(Requests.OPERATOR) - idleWrites,
        i.requests().breakdown(Requests.OPERATOR, false, 1),
        i.operatorCpu(),
        ScaleBenchmark.mib(rssAfterIdle));

    // Burst: N on-demand runs requested at once.
    double burstSeconds = Double.NaN;
    int recorded = 0;
    double burstCpu = 0;
    long burstWrites = 0;
    if (settings.burst()) {
      String request = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
      watch.expectBurst(request);
      Phase burst = new Phase();
      requestRuns(request);
      double sent = seconds(burst.start, Instant.now());
      boolean done =
          await(
              () -> watch.recordedAt() != null,
              () ->
                  "runs recorded "
                      + watch.recorded()
                      + "/"
                      + n
                      + "; the others: "
                      + watch.pendingRuns());
      Instant end = done ? watch.recordedAt() : Instant.now();
      Phase.End b = burst.end(end);
      recorded = watch.recorded();
      burstSeconds = done ? seconds(burst.start, end) : Double.NaN;
      burstCpu = b.operatorCpu();
      burstWrites = b.requests().writes(Requests.OPERATOR);
      out.printf(
          "burst: %d on-demand runs requested at once (annotations sent in %.1f s): %s%n",
          n,
          sent,
          done
              ? String.format("all recorded in status after %.1f s", burstSeconds)
              : String.format(
                  "only %d recorded within %d min; the others: %s",
                  recorded, settings.timeoutMinutes(), watch.pendingRuns()));
      out.println("  results: " + watch.burstResults());
      if (!done) {
        for (String registry : watch.pendingRegistries(3)) {
          String name = registry.substring(registry.indexOf('/') + 1);
          List<String> lines = cluster.log().linesFor("Deployment", name);
          out.println("  " + apiView(registry.substring(0, registry.indexOf('/')), name));
          out.println(
              "  fake cluster's log of Deployment "
                  + registry
                  + " (last lines):\n    "
                  + String.join(
                      "\n    ", lines.subList(Math.max(0, lines.size() - 12), lines.size())));
        }
      }
      out.printf("  operator CPU %.1f s = %.1f ms per run%n", burstCpu, 1000 * burstCpu / n);
      b.printCpu(out);
      b.printRequests(out, n);
    }
    return new Result(
        n,
        String.join(" ", settings.operatorOptions()),
        converged ? convergeSeconds : Double.NaN,
        c.operatorCpu(),
        c.requests().writes(Requests.OPERATOR),
        c.requests().count(Requests.OPERATOR),
        c.selfCpu() / c.capacity(),
        c.mockBusy(),
        c.logicBusy(),
        rssConverged,
        rssAfterGc,
        heapAfterGc,
        idleWrites,
        settings.idleSeconds(),
        rssAfterIdle,
        burstSeconds,
        recorded,
        burstCpu,
        burstWrites);
  }

  /** Where each phase's CPU and requests went. */
  private final class Phase {
    final Instant start = Instant.now();
    final double operatorCpu = operator.cpuSeconds();
    final double selfCpu = ProcCpu.processSeconds(self);
    final double[] machine = ProcCpu.machineSeconds();
    final Map<String, Double> selfByThread = selfThreads.byThread();
    final Map<String, Double> operatorByThread = operatorThreads.byThread();
    final int firstRequest = api.dispatcher().requests().size();

    End end(Instant at) {
      double[] m = ProcCpu.machineSeconds();
      List<ApiRequest> all = api.dispatcher().requests();
      return new End(
          seconds(start, at),
          operator.cpuSeconds() - operatorCpu,
          ProcCpu.processSeconds(self) - selfCpu,
          m[0] - machine[0],
          m[1] - machine[1],
          ProcCpu.minus(selfThreads.byThread(), selfByThread),
          ProcCpu.minus(operatorThreads.byThread(), operatorByThread),
          new Requests(all.subList(firstRequest, all.size())));
    }

    record End(
        double wall,
        double operatorCpu,
        double selfCpu,
        double machineBusy,
        double machineTotal,
        Map<String, Double> selfThreads,
        Map<String, Double> operatorThreads,
        Requests requests) {

      /** Core-seconds the machine had over the phase. */
      double capacity() {
        return machineTotal > 0 ? machineTotal : wall * Runtime.getRuntime().availableProcessors();
      }

      /** The fake cluster's busiest logic thread: its busy share of the wall time. */
      double logicBusy() {
        return ProcCpu.busiest(selfThreads, "fake-cluster(-[0-9]+)?") / Math.max(wall, 1e-9);
      }

      /** The mock API server's busiest event loop thread: its busy share of the wall time. */
      double mockBusy() {
        return ProcCpu.busiest(selfThreads, "vert\\.x-eventloo.*") / Math.max(wall, 1e-9);
      }

      void printCpu(PrintStream out) {
        out.printf(
            "  CPU over %.1f s (%d cores: %.0f core-s): operator %.1f s (%.0f%%), this JVM"
                + " (mock API server, fake cluster, benchmark) %.1f s (%.0f%%), other processes"
                + " %.1f s (%.0f%%), idle %.0f%%%n",
            wall,
            Runtime.getRuntime().availableProcessors(),
            capacity(),
            operatorCpu,
            100 * operatorCpu / capacity(),
            selfCpu,
            100 * selfCpu / capacity(),
            Math.max(0, machineBusy - operatorCpu - selfCpu),
            100 * Math.max(0, machineBusy - operatorCpu - selfCpu) / capacity(),
            100 * (capacity() - machineBusy) / capacity());
        Map<String, Double> self = ProcCpu.byName(selfThreads);
        Map<String, Double> groups = ProcCpu.grouped(self, ScaleRun::benchmarkThreadGroup);
        out.printf(
            "  this JVM by part: %s; busy share of the wall time: mock API server's event loop"
                + " %.0f%%, fake cluster's busiest logic thread %.0f%%%n",
            ProcCpu.top(groups, 8), 100 * mockBusy(), 100 * logicBusy());
        out.println("  this JVM's threads: " + ProcCpu.top(self, 6));
        out.println("  operator's threads: " + ProcCpu.top(ProcCpu.byName(operatorThreads), 8));
      }

      void printRequests(PrintStream out, double pairs) {
        for (String party : List.of(Requests.OPERATOR, Requests.FAKE_CLUSTER)) {
          long count = requests.count(party);
          long writes = requests.writes(party);
          out.printf(
              "  %s API requests per Registry+GcSchedule: %s, of which writes %s%n"
                  + "    writes: %s%n    reads:  %s%n",
              party,
              ScaleBenchmark.perObject(count, pairs),
              ScaleBenchmark.perObject(writes, pairs),
              requests.breakdown(party, true, pairs),
              requests.breakdown(party, false, pairs));
        }
        if (!requests.others().isEmpty()) {
          out.println("  requests from unknown clients: " + requests.others());
        }
      }
    }
  }

  /** The parts of this JVM, from a thread's name (Linux cuts names to 15 characters). */
  static String benchmarkThreadGroup(String thread) {
    if (thread.startsWith("vert.x") || thread.startsWith("vertx")) {
      return "mock API server (Vert.x)";
    }
    if (thread.startsWith("fake-cluster-ru")) {
      return "fake cluster pod runtime";
    }
    if (thread.startsWith("fake-cluster")) {
      return "fake cluster logic";
    }
    String t = thread.replaceAll("[0-9]", "#");
    if (Stream.of(
            "GC Thread",
            "G# ",
            "VM ",
            "C# ",
            "Sweeper",
            "Service Thread",
            "Monitor Deflat",
            "Common-Cleaner",
            "Signal Dispatch",
            "Finalizer",
            "Reference Handl",
            "Notification",
            "JFR ",
            "Attach Listener")
        .anyMatch(t::startsWith)) {
      return "JVM (GC, JIT)";
    }
    if (thread.startsWith("scale-") || thread.equals("java") || thread.equals("main")) {
      return "benchmark";
    }
    return "HTTP clients, informers";
  }

  private void createObjects() throws Exception {
    Path examples = settings.repoRoot().resolve("examples");
    String registryYaml = Files.readString(examples.resolve("registry-minimal.yaml"));
    String scheduleYaml = Files.readString(examples.resolve("gcschedule-nightly.yaml"));
    parallel(
        n,
        i -> {
          String ns = ns(i % Math.max(1, (n + 99) / 100) + 1);
          Registry r = Serialization.unmarshal(registryYaml, Registry.class);
          r.getMetadata().setName(String.format("reg-%04d", i));
          r.getMetadata().setNamespace(ns);
          r.getSpec().getStorage().getPvc().setSize("1Gi");
          user.resource(r).create();
          GcSchedule g = Serialization.unmarshal(scheduleYaml, GcSchedule.class);
          g.getMetadata().setName(String.format("gc-%04d", i));
          g.getMetadata().setNamespace(ns);
          g.getSpec().getRegistryRef().setName(r.getMetadata().getName());
          user.resource(g).create();
        });
  }

  /** As {@code kubectl annotate gcs ... registry.operator.dev/run-requested-at=<request>}. */
  private void requestRuns(String request) throws Exception {
    String patch =
        "{\"metadata\":{\"annotations\":{\""
            + GcSchedule.RUN_REQUESTED_AT
            + "\":\""
            + request
            + "\"}}}";
    List<GcSchedule> all = user.resources(GcSchedule.class).inAnyNamespace().list().getItems();
    parallel(
        all.size(),
        i -> user.resource(all.get(i)).patch(PatchContext.of(PatchType.JSON_MERGE), patch));
  }

  /** What the API says of a registry whose run is not recorded: its pods and its window. */
  private String apiView(String namespace, String name) {
    Registry r = user.resources(Registry.class).inNamespace(namespace).withName(name).get();
    String pods =
        cluster.podsOfDeployment(namespace, name).stream()
            .map(
                p ->
                    p.getMetadata().getName()
                        + "(read-only="
                        + (p.getMetadata().getLabels() == null
                            ? null
                            : p.getMetadata().getLabels().get(Labels.READ_ONLY))
                        + (FakeCluster.isReady(p) ? ", ready" : "")
                        + (FakeCluster.isTerminating(p) ? ", terminating" : "")
                        + ")")
            .collect(Collectors.joining(", "));
    String status =
        r == null || r.getStatus() == null
            ? "no status"
            : "phase "
                + r.getStatus().getPhase()
                + ", maintenance "
                + (r.getStatus().getMaintenance() == null
                    ? null
                    : Serialization.asJson(r.getStatus().getMaintenance()))
                + ", observedGeneration "
                + r.getStatus().getObservedGeneration()
                + " of "
                + r.getMetadata().getGeneration();
    return "API: Registry " + namespace + "/" + name + ": " + status + "; pods: " + pods;
  }

  private interface Task {
    void run(int i) throws Exception;
  }

  private static void parallel(int count, Task task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4, r -> new Thread(r, "scale-create"));
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int index = i;
        futures.add(
            pool.submit(
                () -> {
                  task.run(index);
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Waits until {@code done}, printing {@code progress} every 30 s; false after the timeout. */
  private boolean await(BooleanSupplier done, Supplier<String> progress)
      throws InterruptedException {
    Instant start = Instant.now();
    Instant end = start.plus(Duration.ofMinutes(settings.timeoutMinutes()));
    Instant nextReport = start.plusSeconds(30);
    while (!done.getAsBoolean()) {
      if (Instant.now().isAfter(end)) {
        return false;
      }
      if (!operator.alive()) {
        throw new IllegalStateException("the operator process exited");
      }
      if (Instant.now().isAfter(nextReport)) {
        out.printf("  [%4.0f s] %s%n", seconds(start, Instant.now()), progress.get());
        nextReport = nextReport.plusSeconds(30);
      }
      Thread.sleep(50);
    }
    return true;
  }

  /** Job pods exit 0 with the runner's report: the preview's for a dry run, else a collection's. */
  private static JobBehaviour.Run gcJob(Job job) {
    boolean dryRun =
        job.getSpec().getTemplate().getSpec().getContainers().stream()
            .anyMatch(c -> c.getArgs() != null && c.getArgs().contains("--dry-run"));
    return JobBehaviour.Run.exit(0, dryRun ? PREVIEW_REPORT : COLLECTED_REPORT, null);
  }

  private void installCrds() throws IOException {
    try (Stream<Path> files = Files.list(settings.repoRoot().resolve("crds"))) {
      for (Path file :
          files
              .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
              .sorted()
              .toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          CustomResourceDefinition crd =
              user.apiextensions().v1().customResourceDefinitions().load(in).item();
          user.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        }
      }
    }
  }

  private Path writeKubeconfig() throws IOException {
    Path file = settings.workDir().resolve("scale-kubeconfig");
    Files.createDirectories(settings.workDir());
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: scale-benchmark
          cluster:
            server: http://127.0.0.1:%d
        users:
        - name: operator
          user: {}
        contexts:
        - name: scale-benchmark
          context:
            cluster: scale-benchmark
            user: operator
            namespace: default
        current-context: scale-benchmark
        """
            .formatted(api.port()));
    return file;
  }

  private KubernetesClient client(String userAgent) {
    KubernetesClient c = api.newClient(userAgent);
    clients.add(c);
    return c;
  }

  private static String ns(int i) {
    return String.format("scale-%02d", i);
  }

  static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }

  /** Stops the operator (SIGTERM), the fake cluster, the clients and the API server. */
  private void close() {
    if (cluster != null && !cluster.errors().isEmpty()) {
      out.println("fake cluster errors: " + cluster.errors().size() + ", the first:");
      cluster.errors().get(0).printStackTrace(out);
    }
    if (operator != null) {
      operator.close();
    }
    if (operatorThreads != null) {
      operatorThreads.close();
    }
    if (selfThreads != null) {
      selfThreads.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    for (KubernetesClient c : clients) {
      c.close();
    }
    if (api != null) {
      api.close();
    }
  }
}
