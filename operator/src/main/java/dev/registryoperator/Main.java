package dev.registryoperator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.registryoperator.common.SharedStrings;
import dev.registryoperator.metrics.MetricsEndpoint;
import dev.registryoperator.metrics.OperatorMetrics;
import dev.registryoperator.registry.RegistryReconciler;
import dev.registryoperator.retention.WorkloadImages;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the operator against the cluster of the current kubeconfig context (or the in-cluster
 * service account), with a health endpoint on {@code HEALTH_PORT} (default 8080): {@code /healthz}
 * and {@code /readyz} answer as {@link Health} says; Prometheus metrics on {@code METRICS_PORT}
 * (default 8081, the same server when both are equal): {@code /metrics} ({@link OperatorMetrics}).
 * Environment: {@code WATCH_NAMESPACES} (comma separated, empty for all), {@code
 * LEADER_ELECTION_NAMESPACE} (enables leader election), {@code RECONCILE_THREADS} (reconciles at
 * once, default {@link RegistryOperator#DEFAULT_RECONCILE_THREADS}), {@code LOG_FORMAT} ({@code
 * text} or {@code json}) and {@code LOG_LEVEL} (the operator's own loggers, default {@code info}):
 * see logback.xml; {@code RETENTION_PROTECT_WORKLOADS} ({@code true}, the default, or {@code
 * false}): whether retention lists the cluster's workloads to keep the images they use ({@link
 * WorkloadImages}).
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws IOException {
    // cached objects share their repeated string values (SharedStrings)
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withKubernetesSerialization(SharedStrings.kubernetesSerialization())
            .build();
    Set<String> namespaces =
        Arrays.stream(System.getenv().getOrDefault("WATCH_NAMESPACES", "").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toSet());
    Optional<String> lease =
        Optional.ofNullable(System.getenv("LEADER_ELECTION_NAMESPACE")).filter(s -> !s.isBlank());
    boolean protectWorkloads = WorkloadImages.enabledIn(System.getenv());
    LOG.info(
        "Connecting to {}; watching {}; leader election {}; retention {}",
        client.getMasterUrl(),
        namespaces.isEmpty() ? "all namespaces" : namespaces,
        lease.map(ns -> "in namespace " + ns).orElse("off"),
        protectWorkloads
            ? "keeps the images workloads use"
            : "does not look at workloads (" + WorkloadImages.ENVIRONMENT_VARIABLE + "=false)");
    AtomicBoolean leading = new AtomicBoolean();
    OperatorMetrics metrics = new OperatorMetrics(Clock.systemUTC());
    Operator operator =
        RegistryOperator.create(
            client,
            Clock.systemUTC(),
            namespaces,
            lease.map(ns -> LeaderElection.inNamespace(ns).whenLeading(() -> leading.set(true))),
            RegistryReconciler.SecretRechecks.DEFAULT,
            Integer.parseInt(
                System.getenv()
                    .getOrDefault(
                        "RECONCILE_THREADS",
                        String.valueOf(RegistryOperator.DEFAULT_RECONCILE_THREADS))),
            Optional.of(metrics),
            protectWorkloads);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  operator.stop();
                  client.close();
                }));
    int port = Integer.parseInt(System.getenv().getOrDefault("HEALTH_PORT", "8080"));
    Supplier<Health.State> state =
        () ->
            new Health.State(
                operator.getRuntimeInfo().isStarted(),
                lease.isPresent(),
                leading.get(),
                operator.getRuntimeInfo().allEventSourcesAreHealthy());
    int metricsPort = Integer.parseInt(System.getenv().getOrDefault("METRICS_PORT", "8081"));
    // before start: a standby waits in start() for the lease
    HttpServer health = serve(port);
    health.createContext("/healthz", exchange -> answer(exchange, Health.liveness(state.get())));
    health.createContext("/readyz", exchange -> answer(exchange, Health.readiness(state.get())));
    HttpServer metricsServer = metricsPort == port ? health : serve(metricsPort);
    MetricsEndpoint.addTo(metricsServer, () -> metrics);
    LOG.info("Health on :{}/healthz and /readyz, metrics on :{}/metrics", port, metricsPort);
    operator.start();
  }

  private static HttpServer serve(int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.start();
    return server;
  }

  private static void answer(HttpExchange exchange, Health health) throws IOException {
    byte[] body = health.body().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(health.code(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
