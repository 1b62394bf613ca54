package dev.registryoperator;

import dev.registryoperator.fakecluster.FakeCluster;
import dev.registryoperator.fakecluster.JobBehaviour;
import dev.registryoperator.fakecluster.MockApiServer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A test cluster: the CRUD mock API server with the generated CRDs, the fake controllers and
 * kubelet, and the operator wired as Main wires it. The operator can be stopped and a new one
 * started on the same server, as after a restart.
 */
public final class OperatorHarness implements AutoCloseable {
  public static final String NAMESPACE = "team-a";
  private static final Path CRDS = Path.of(System.getProperty("crds.dir", "../crds"));

  private final MockApiServer api;
  private final FakeCluster cluster;
  private final KubernetesClient client;
  private KubernetesClient operatorClient;
  private Operator operator;
  private final List<Runnable> replicas = new java.util.concurrent.CopyOnWriteArrayList<>();

  private final Clock clock;

  private OperatorHarness(Clock clock, Consumer<FakeCluster.Builder> clusterSettings) {
    this.clock = clock;
    api = MockApiServer.start();
    client = api.newClient();
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    installCrds();
    FakeCluster.Builder builder =
        FakeCluster.builder(api.newClient())
            .namespace(NAMESPACE)
            .readyDelay(Duration.ofMillis(200))
            .terminationGrace(Duration.ofMillis(300));
    clusterSettings.accept(builder);
    cluster = builder.start();
    startOperator();
  }

  public static OperatorHarness start() {
    return new OperatorHarness(Clock.systemUTC(), b -> {});
  }

  public static OperatorHarness start(Consumer<FakeCluster.Builder> clusterSettings) {
    return new OperatorHarness(Clock.systemUTC(), clusterSettings);
  }

  public static OperatorHarness start(JobBehaviour jobs) {
    return new OperatorHarness(Clock.systemUTC(), b -> b.jobBehaviour(jobs));
  }

  /** With the operator reading {@code clock} (for example shifted, to reach a cron time soon). */
  public static OperatorHarness start(Clock clock, Consumer<FakeCluster.Builder> clusterSettings) {
    return new OperatorHarness(clock, clusterSettings);
  }

  /** The client a user (kubectl) would use. */
  public KubernetesClient client() {
    return client;
  }

  /** The mock API server (its dispatcher takes admission hooks that refuse or record requests). */
  public MockApiServer api() {
    return api;
  }

  public FakeCluster cluster() {
    return cluster;
  }

  public void startOperator() {
    operatorClient = api.newClient();
    operator = newOperator(operatorClient, java.util.Optional.empty());
    operator.start();
  }

  public void stopOperator() {
    operator.stop();
    operatorClient.close();
    operator = null;
  }

  /**
   * One more operator replica with leader election, on its own client; stopped with the harness if
   * not before. Returns what stops it (once).
   */
  public Runnable startReplica(LeaderElection leaderElection) {
    KubernetesClient replicaClient = api.newClient();
    Operator replica = newOperator(replicaClient, java.util.Optional.of(leaderElection));
    java.util.concurrent.atomic.AtomicBoolean stopped =
        new java.util.concurrent.atomic.AtomicBoolean();
    Runnable stop =
        () -> {
          if (stopped.compareAndSet(false, true)) {
            replica.stop();
            replicaClient.close();
          }
        };
    replicas.add(stop);
    replica.start();
    return stop;
  }

  private Operator newOperator(
      KubernetesClient operatorClient, java.util.Optional<LeaderElection> leaderElection) {
    // user Secrets are read again on a timer, not watched: minutes in production, a second here
    return RegistryOperator.create(
        operatorClient,
        clock,
        java.util.Set.of(),
        leaderElection,
        new dev.registryoperator.registry.RegistryReconciler.SecretRechecks(
            Duration.ofMillis(500), Duration.ofSeconds(1)));
  }

  /** Events recorded on one object, as kubectl describe lists them. */
  public List<Event> eventsFor(String kind, String name) {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(
            e ->
                kind.equals(e.getInvolvedObject().getKind())
                    && name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  private void installCrds() {
    try (Stream<Path> files = Files.list(CRDS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          CustomResourceDefinition crd =
              client.apiextensions().v1().customResourceDefinitions().load(in).item();
          client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read CRDs from " + CRDS, e);
    }
  }

  @Override
  public void close() {
    try {
      replicas.forEach(Runnable::run);
      if (operator != null) {
        stopOperator();
      }
    } finally {
      cluster.close();
      client.close();
      api.close();
    }
  }
}
