package dev.registryoperator.sandbox;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A container's HTTP readiness probe as the stand-in kubelet runs it: a GET of the probe's path on
 * the local port of its container port, passed by a 2xx or 3xx answer within a second; at most one
 * at a time, at most once a period.
 */
final class ReadinessProbe {
  private final URI uri;
  private final long periodNanos;
  private volatile long next = System.nanoTime();
  private final AtomicBoolean inFlight = new AtomicBoolean();

  ReadinessProbe(URI uri, Duration period) {
    this.uri = uri;
    this.periodNanos = period.toNanos();
  }

  /**
   * The container's readiness probe, or null when it has none over HTTP (the container is then
   * ready once it runs).
   */
  static ReadinessProbe of(
      Container container, ContainerPorts ports, ProcessPodRuntime.Settings settings) {
    if (container.getReadinessProbe() == null
        || container.getReadinessProbe().getHttpGet() == null) {
      return null;
    }
    HTTPGetAction get = container.getReadinessProbe().getHttpGet();
    Integer local = ports.localPort(get.getPort());
    if (local == null) {
      throw new IllegalArgumentException(
          "readiness probe port " + get.getPort() + " is not a container port");
    }
    String path = get.getPath() == null ? "/" : get.getPath();
    return new ReadinessProbe(
        URI.create("http://127.0.0.1:" + local + path), period(container, settings));
  }

  /**
   * How often to probe: the runtime's probe interval, or, with {@code podProbePeriods}, the probe's
   * own {@code periodSeconds} (default 10) as a kubelet does.
   */
  static Duration period(Container container, ProcessPodRuntime.Settings settings) {
    if (!settings.podProbePeriods() || container.getReadinessProbe() == null) {
      return settings.probeInterval();
    }
    Integer period = container.getReadinessProbe().getPeriodSeconds();
    return Duration.ofSeconds(period == null ? 10 : period);
  }

  URI uri() {
    return uri;
  }

  /**
   * Sends the probe if it is due ({@code now} from {@link System#nanoTime()}) and none is in
   * flight; {@code result} learns whether it passed.
   */
  void runIfDue(HttpClient http, long now, Consumer<Boolean> result) {
    if (now < next || !inFlight.compareAndSet(false, true)) {
      return;
    }
    next = now + periodNanos;
    http.sendAsync(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(1)).GET().build(),
            HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (response, failure) -> {
              result.accept(
                  failure == null && response.statusCode() >= 200 && response.statusCode() < 400);
              inFlight.set(false);
            });
  }
}
