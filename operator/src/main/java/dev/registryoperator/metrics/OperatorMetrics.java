package dev.registryoperator.metrics;

import dev.registryoperator.gc.GcSchedule;
import dev.registryoperator.registry.Registry;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import java.time.Clock;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Everything the operator serves on {@code /metrics}: Java Operator SDK's reconcile metrics
 * (without per-resource tags, whose series grow with every object), the JVM's, and the GC metrics
 * read from the GcSchedules and Registries in the informers' caches ({@link GcStatusMetrics},
 * {@link GcRunHistograms}). A standby replica has no caches and serves only the JVM's.
 */
public final class OperatorMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final GcRunHistograms histograms;
  private volatile Supplier<Stream<GcSchedule>> schedules = Stream::empty;
  private volatile Supplier<Stream<Registry>> registries = Stream::empty;

  public OperatorMetrics(Clock clock) {
    histograms = new GcRunHistograms(registry.getPrometheusRegistry(), clock.instant());
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    registry
        .getPrometheusRegistry()
        .register(
            (MultiCollector)
                () -> GcStatusMetrics.of(schedules.get().toList(), registries.get().toList()));
  }

  /** For Java Operator SDK's configuration. */
  public Metrics reconcileMetrics() {
    return MicrometerMetrics.withoutPerResourceMetrics(registry);
  }

  /** Where the GcSchedules are read from (the GcSchedule controller's cache, once it started). */
  public void readSchedulesFrom(Supplier<Stream<GcSchedule>> source) {
    schedules = source;
  }

  /** Where the Registries are read from (the Registry controller's cache, once it started). */
  public void readRegistriesFrom(Supplier<Stream<Registry>> source) {
    registries = source;
  }

  /** The Prometheus text format, with the runs finished since the last scrape observed first. */
  public String scrape() {
    histograms.observe(schedules.get().toList());
    return registry.scrape();
  }
}
