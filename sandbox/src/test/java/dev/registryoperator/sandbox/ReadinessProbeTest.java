package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A readiness probe: where it goes and how often. */
class ReadinessProbeTest {
  private static final ProcessPodRuntime.Settings SETTINGS =
      new ProcessPodRuntime.Settings(
          Duration.ofMillis(50), false, Duration.ofSeconds(10), Duration.ofSeconds(5));

  @Test
  void aReadinessProbeGetsItsPathOnTheLocalPort() {
    ContainerPorts ports = new ContainerPorts(Map.of(5001, 41001), Map.of("debug", 5001));
    Container probed =
        new ContainerBuilder()
            .withNewReadinessProbe()
            .withNewHttpGet()
            .withPath("/debug/health")
            .withPort(new IntOrString("debug"))
            .endHttpGet()
            .withPeriodSeconds(3)
            .endReadinessProbe()
            .build();

    assertThat(ReadinessProbe.of(probed, ports, SETTINGS).uri())
        .hasToString("http://127.0.0.1:41001/debug/health");
    assertThat(ReadinessProbe.of(new Container(), ports, SETTINGS)).isNull();
    assertThat(ReadinessProbe.period(probed, SETTINGS)).isEqualTo(Duration.ofMillis(50));
    assertThat(
            ReadinessProbe.period(
                probed,
                new ProcessPodRuntime.Settings(
                    Duration.ofMillis(50), true, Duration.ofSeconds(10), Duration.ofSeconds(5))))
        .isEqualTo(Duration.ofSeconds(3));
    assertThatThrownBy(
            () ->
                ReadinessProbe.of(
                    probed, new ContainerPorts(Map.of(5000, 41000), Map.of()), SETTINGS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a container port");
  }
}
