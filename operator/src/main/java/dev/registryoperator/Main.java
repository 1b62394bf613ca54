package dev.registryoperator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.registryoperator.registry.RegistryReconciler;
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
 * and {@code /readyz} answer as {@link Health} says. Environment: {@code WATCH_NAMESPACES} (comma
 * separated, empty for all), {@code LEADER_ELECTION_NAMESPACE} (enables leader election), {@code
 * RECONCILE_THREADS} (reconciles at once, default {@link
 * RegistryOperator#DEFAULT_RECONCILE_THREADS}), {@code LOG_FORMAT} ({@code text} or {@code json})
 * and {@code LOG_LEVEL} (the operator's own loggers, default {@code info}): see logback.xml.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws IOException {
    KubernetesClient client = new KubernetesClientBuilder().build();
    Set<String> namespaces =
        Arrays.stream(System.getenv().getOrDefault("WATCH_NAMESPACES", "").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toSet());
    Optional<String> lease =
        Optional.ofNullable(System.getenv("LEADER_ELECTION_NAMESPACE")).filter(s -> !s.isBlank());
    LOG.info(
        "Connecting to {}; watching {}; leader election {}",
        client.getMasterUrl(),
        namespaces.isEmpty() ? "all namespaces" : namespaces,
        lease.map(ns -> "in namespace " + ns).orElse("off"));
    AtomicBoolean leading = new AtomicBoolean();
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
                        String.valueOf(RegistryOperator.DEFAULT_RECONCILE_THREADS))));
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
    serveHealth(port, state); // before start: a standby waits in start() for the lease
    operator.start();
  }

  private static void serveHealth(int port, Supplier<Health.State> state) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/healthz", exchange -> answer(exchange, Health.liveness(state.get())));
    server.createContext("/readyz", exchange -> answer(exchange, Health.readiness(state.get())));
    server.start();
    LOG.info("Health endpoints on :{}/healthz and /readyz", port);
  }

  private static void answer(HttpExchange exchange, Health health) throws IOException {
    byte[] body = health.body().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(health.code(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
