package dev.registryoperator.sandbox;

import com.sun.net.httpserver.HttpServer;
import dev.registryoperator.RegistryOperator;
import dev.registryoperator.fakecluster.ApiRequest;
import dev.registryoperator.fakecluster.FakeCluster;
import dev.registryoperator.metrics.MetricsEndpoint;
import dev.registryoperator.metrics.OperatorMetrics;
import dev.registryoperator.registry.RegistryReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The whole product on one machine, no cluster: an embedded API server (the Fabric8 CRUD mock, with
 * the CRDs from {@code crds/} and discovery documents for kubectl), the operator ({@code
 * RegistryOperator.create}), and a local stand-in for the kubelet and controllers: the {@link
 * FakeCluster} with a {@link ProcessPodRuntime}, so that each registry pod is a real {@code
 * registry serve} process and each GC Job pod a real run of the GC runner jar. Each Service gets a
 * stable local address ({@link ServiceProxy}). A kubeconfig for the API server is written, so
 * kubectl (and the operator jar) can be pointed at it.
 *
 * <p>{@link #close()} stops every process it started; a shutdown hook does the same on Ctrl-C or
 * SIGTERM, and {@link #main} exits when the process that started it (Maven) is gone.
 *
 * <p>Run it with {@code ./mvnw -q -pl sandbox -am package -DskipTests -Dsandbox.run} (see
 * sandbox/README.md): {@code demo} (the default) walks through a GC run and exits, {@code
 * keep-running} stays up for kubectl, {@code benchmark} measures N GC cycles.
 */
public final class Sandbox implements AutoCloseable {
  public static final String NAMESPACE = "default";

  private final Settings settings;
  private final Endpoints endpoints = new Endpoints();
  private final Thread shutdownHook = new Thread(this::close, "sandbox-shutdown");
  // Set in order by the constructor; close() copes with any of them missing (a failed start).
  private SandboxApiServer api;
  private KubernetesClient client;
  private ProcessPodRuntime runtime;
  private FakeCluster cluster;
  private ServiceProxies services;
  private Path kubeconfig;
  private KubernetesClient operatorClient;
  private Operator operator;
  private HttpServer metricsServer;
  private volatile OperatorMetrics metrics;
  private boolean closed;

  /**
   * Every client made for the sandbox's parts, closed after the parts and before the API server.
   */
  private final List<KubernetesClient> clients = new ArrayList<>();

  /** Everything that can be set; see {@link Builder}. */
  public record Settings(
      Path repoRoot,
      Path workDir,
      int apiPort,
      LocalImage image,
      Duration clusterTick,
      ProcessPodRuntime.Settings runtime,
      Consumer<String> out,
      boolean startOperator,
      boolean recordApiRequests,
      int metricsPort) {}

  /**
   * The User-Agent of the operator's client: tells its requests apart from the fake cluster's and
   * the user's.
   */
  public static final String OPERATOR_USER_AGENT = "registry-operator/sandbox";

  private Sandbox(Settings s) throws IOException {
    this.settings = s;
    s.image().check();
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      PodFiles.deleteRecursively(dataRoot());
      PodFiles.deleteRecursively(podsDir());
      Files.createDirectories(dataRoot());
      api = SandboxApiServer.start(s.apiPort(), this::podLog);
      if (s.recordApiRequests()) {
        api.recordRequests();
      }
      client = newClient();
      api.createNamespace(NAMESPACE);
      api.installCrds(s.repoRoot().resolve("crds"));
      kubeconfig = api.writeKubeconfig(s.workDir().resolve("kubeconfig"), NAMESPACE);
      runtime =
          new ProcessPodRuntime(
              newClient(), s.image(), podsDir(), dataRoot(), endpoints, s.runtime());
      cluster =
          FakeCluster.builder(newClient())
              .nodes(List.of("sandbox"))
              .tick(s.clusterTick())
              .podRuntime(runtime)
              .start();
      services =
          new ServiceProxies(newClient(), endpoints, proxy -> s.out().accept(proxy.toString()))
              .start();
      metricsServer =
          HttpServer.create(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), s.metricsPort()), 0);
      MetricsEndpoint.addTo(metricsServer, () -> metrics);
      metricsServer.start();
      if (s.startOperator()) {
        startOperator();
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private KubernetesClient newClient() {
    KubernetesClient c = api.newClient();
    clients.add(c);
    return c;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The client a user (kubectl) would use. */
  public KubernetesClient client() {
    return client;
  }

  public ProcessPodRuntime runtime() {
    return runtime;
  }

  public FakeCluster cluster() {
    return cluster;
  }

  public Settings settings() {
    return settings;
  }

  public String apiUrl() {
    return api.url();
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  /**
   * The API requests recorded ({@link Builder#recordApiRequests()}); the operator's carry {@link
   * #OPERATOR_USER_AGENT}.
   */
  public List<ApiRequest> apiRequests() {
    return api.requests();
  }

  /** Starts an operator (as after a restart, when one was stopped before). */
  public synchronized void startOperator() {
    if (operator != null) {
      return;
    }
    operatorClient = api.newClient(OPERATOR_USER_AGENT);
    OperatorMetrics started = new OperatorMetrics(Clock.systemUTC());
    operator =
        RegistryOperator.create(
            operatorClient,
            Clock.systemUTC(),
            Set.of(),
            Optional.empty(),
            RegistryReconciler.SecretRechecks.DEFAULT,
            RegistryOperator.DEFAULT_RECONCILE_THREADS,
            Optional.of(started));
    metrics = started;
    operator.start();
  }

  /** Stops the operator; the cluster, its pods and processes keep running. */
  public synchronized void stopOperator() {
    if (operator == null) {
      return;
    }
    operator.stop();
    operatorClient.close();
    operator = null;
    metrics = null;
  }

  /**
   * The operator's {@code /metrics}, as Prometheus would scrape it (503 while no operator runs in
   * the sandbox).
   */
  public String metricsUrl() {
    return "http://127.0.0.1:" + metricsServer.getAddress().getPort() + "/metrics";
  }

  public synchronized boolean operatorRunning() {
    return operator != null;
  }

  /**
   * The stable local URL of a Service ({@code http://127.0.0.1:<port>}), waiting until it exists.
   */
  public String serviceUrl(String namespace, String service) {
    try {
      return services.awaitUrl(namespace, service, Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The local directory of a claim (one per PersistentVolumeClaim). */
  public Path claimDirectory(String namespace, String claim) {
    return PodFiles.claimDirectory(dataRoot(), namespace, claim);
  }

  public Path dataRoot() {
    return settings.workDir().resolve("sandbox-data");
  }

  public Path podsDir() {
    return settings.workDir().resolve("sandbox-pods");
  }

  private Optional<String> podLog(String namespace, String pod) {
    return runtime == null
        ? Optional.empty()
        : runtime.processes().stream()
            .filter(p -> p.namespace().equals(namespace) && p.pod().equals(pod))
            .reduce((a, b) -> b)
            .map(
                p -> {
                  try {
                    return Files.readString(p.log());
                  } catch (IOException e) {
                    return "";
                  }
                });
  }

  /** Stops the operator, the fake cluster and every process it started, and the API server. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stopOperator();
    } catch (RuntimeException e) {
      // stopping anyway
    }
    if (services != null) {
      services.close();
    }
    if (metricsServer != null) {
      metricsServer.stop(0);
    }
    if (cluster != null) {
      cluster.close(); // closes the runtime: every process is stopped
    } else if (runtime != null) {
      runtime.close();
    }
    // Nothing may call the API server while it closes: a connection it accepts then is refused by a
    // Vert.x
    // event loop already shut down, which prints a stack trace ("Failed to register an accepted
    // channel").
    for (KubernetesClient c : clients) {
      c.close();
    }
    if (api != null) {
      api.close();
    }
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // shutting down already
      }
    }
  }

  /** Runs the sandbox: {@code demo} (default), {@code keep-running} or {@code benchmark}. */
  public static void main(String[] args) throws Exception {
    if (!"false".equals(System.getProperty("sandbox.exitWithParent"))) {
      exitWithParent();
    }
    String mode =
        args.length == 0 || args[0].isBlank() || "true".equals(args[0]) ? "demo" : args[0];
    PrintStream out = System.out;
    int exit;
    try {
      exit =
          switch (mode) {
            case "demo" -> new Demo(out, false).run();
            case "keep-running" -> new Demo(out, true).run();
            case "benchmark" -> new Benchmark(out, Integer.getInteger("sandbox.cycles", 5)).run();
            default -> {
              System.err.println("unknown mode " + mode + ": demo, keep-running or benchmark");
              yield 2;
            }
          };
    } catch (Exception | Error e) {
      e.printStackTrace();
      exit = 1;
    }
    System.exit(exit);
  }

  /**
   * Exits (through the shutdown hook, which stops every process) when the process that started this
   * JVM exits. The README starts the sandbox through Maven, whose exec plugin runs it in a child
   * JVM: a SIGTERM to Maven ({@code kill <pid>}, a process manager, a CI timeout) ends Maven
   * without stopping that child, which would otherwise keep its registry processes running with
   * nobody left to stop them.
   */
  private static void exitWithParent() {
    ProcessHandle.current()
        .parent()
        .ifPresent(
            parent ->
                parent
                    .onExit()
                    .thenRun(
                        () -> {
                          System.err.println(
                              "sandbox: the process that started it (pid "
                                  + parent.pid()
                                  + ") is gone; stopping");
                          System.exit(143);
                        }));
  }

  /**
   * Settings: what the methods set, the rest from system properties ({@code sandbox.repoRoot},
   * {@code sandbox.workDir}, {@code sandbox.apiPort}, {@code sandbox.gcRunnerJar}, {@code
   * sandbox.podProbePeriods}, {@code sandbox.externalOperator}).
   */
  public static final class Builder {
    /** How often the fake controllers and kubelet look at everything. */
    private static final Duration CLUSTER_TICK = Duration.ofMillis(20);

    private Path workDir;
    private Path gcRegistryBinary;
    private Consumer<String> out = s -> {};
    private boolean recordApiRequests;

    /** Where the sandbox keeps data, pods and its kubeconfig (default {@code sandbox/target}). */
    public Builder workDir(Path workDir) {
      this.workDir = workDir;
      return this;
    }

    /** The registry binary GC Job pods use (default: the one registry pods use). */
    public Builder gcRegistryBinary(Path binary) {
      this.gcRegistryBinary = binary;
      return this;
    }

    /** Where announcements go (Service addresses). */
    public Builder out(Consumer<String> out) {
      this.out = out;
      return this;
    }

    /** Records every API request from the start ({@link Sandbox#apiRequests()}). */
    public Builder recordApiRequests() {
      this.recordApiRequests = true;
      return this;
    }

    public Sandbox start() throws IOException {
      Path root = findRepoRoot();
      Path work =
          workDir != null
              ? workDir
              : Optional.ofNullable(System.getProperty("sandbox.workDir"))
                  .map(Path::of)
                  .orElse(root.resolve("sandbox/target"));
      LocalImage localImage = LocalImage.detect(gcRunnerJar(root));
      if (gcRegistryBinary != null) {
        localImage = localImage.withGcRegistryBinary(gcRegistryBinary);
      }
      return new Sandbox(
          new Settings(
              root.toAbsolutePath().normalize(),
              work.toAbsolutePath().normalize(),
              Integer.getInteger("sandbox.apiPort", 0),
              localImage,
              CLUSTER_TICK,
              ProcessPodRuntime.Settings.defaults(),
              out,
              !Boolean.getBoolean("sandbox.externalOperator"),
              recordApiRequests,
              Integer.getInteger("sandbox.metricsPort", 0)));
    }

    private static Path gcRunnerJar(Path root) {
      String jar = System.getProperty("sandbox.gcRunnerJar");
      return (jar != null ? Path.of(jar) : root.resolve("registry-image/target/gc-runner.jar"))
          .toAbsolutePath()
          .normalize();
    }

    /** {@code sandbox.repoRoot}, else the first directory up from here with crds/ and examples/. */
    static Path findRepoRoot() {
      String property = System.getProperty("sandbox.repoRoot");
      if (property != null) {
        return Path.of(property);
      }
      Path dir = Path.of("").toAbsolutePath();
      while (dir != null) {
        if (Files.isDirectory(dir.resolve("crds")) && Files.isDirectory(dir.resolve("examples"))) {
          return dir;
        }
        dir = dir.getParent();
      }
      throw new IllegalStateException(
          "cannot find the repository (a directory with crds/ and examples/); "
              + "run from inside it or set -Dsandbox.repoRoot");
    }
  }
}
