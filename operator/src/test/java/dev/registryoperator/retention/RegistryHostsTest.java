package dev.registryoperator.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.registry.Registries;
import dev.registryoperator.registry.Registry;
import dev.registryoperator.registry.RegistryStatus;
import dev.registryoperator.registry.ServiceSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryHostsTest {
  @Test
  void theServicesNamesCountWithTheServicePortAndQualifiedOnesWithAnyPort() {
    RegistryHosts hosts = RegistryHosts.of(Registries.withPvc("images", "1Gi"));
    assertThat(hosts.contains("images")).isTrue();
    assertThat(hosts.contains("images:5000")).isTrue();
    assertThat(hosts.contains("images.team-a")).isTrue();
    assertThat(hosts.contains("images.team-a:5000")).isTrue();
    assertThat(hosts.contains("images.team-a.svc")).isTrue();
    assertThat(hosts.contains("images.team-a.svc:5000")).isTrue();
    assertThat(hosts.contains("images.team-a.svc.cluster.local")).isTrue();
    assertThat(hosts.contains("images.team-a.svc.cluster.local:5000")).isTrue();
    assertThat(hosts.contains("images.team-a.svc.corp.example:5000")).isTrue();
    assertThat(hosts.contains("images.team-a.svc:443")).isTrue();
    assertThat(hosts.contains("IMAGES.Team-A.svc:5000")).isTrue();

    assertThat(hosts.contains("images:5001")).isFalse();
    assertThat(hosts.contains("images.team-b.svc:5000")).isFalse();
    assertThat(hosts.contains("other.team-a.svc:5000")).isFalse();
    assertThat(hosts.contains("images.team-a.svcx:5000")).isFalse();
    assertThat(hosts.contains("ximages.team-a.svc:5000")).isFalse();
    assertThat(hosts.contains("localhost:5000")).isFalse();
    assertThat(hosts.contains("docker.io")).isFalse();
    assertThat(hosts.contains(null)).isFalse();
  }

  @Test
  void theBareServiceNameFollowsTheServicePort() {
    Registry registry = Registries.withPvc("images", "1Gi");
    ServiceSpec service = new ServiceSpec();
    service.setPort(5443);
    registry.getSpec().setService(service);
    RegistryHosts hosts = RegistryHosts.of(registry);
    assertThat(hosts.contains("images:5443")).isTrue();
    assertThat(hosts.contains("images:5000")).isFalse();
  }

  @Test
  void hostNamesCountExactlyAsWrittenCaseAside() {
    Registry registry = Registries.withPvc("images", "1Gi");
    registry
        .getSpec()
        .setHostNames(List.of("registry.example.com", "localhost:30500", "Registry.Internal:8443"));
    RegistryHosts hosts = RegistryHosts.of(registry);
    assertThat(hosts.contains("registry.example.com")).isTrue();
    assertThat(hosts.contains("REGISTRY.example.com")).isTrue();
    assertThat(hosts.contains("localhost:30500")).isTrue();
    assertThat(hosts.contains("registry.internal:8443")).isTrue();

    assertThat(hosts.contains("registry.example.com:443")).isFalse();
    assertThat(hosts.contains("localhost:5000")).isFalse();
    assertThat(hosts.contains("localhost")).isFalse();
    assertThat(hosts.contains("registry.internal")).isFalse();
    assertThat(hosts.contains("registry.example.com.evil.example")).isFalse();
  }

  @Test
  void theStatusEndpointCounts() {
    Registry registry = Registries.withPvc("images", "1Gi");
    RegistryStatus status = new RegistryStatus();
    status.setEndpoint("images.team-a.svc:5000");
    registry.setStatus(status);
    assertThat(RegistryHosts.of(registry).contains("images.team-a.svc:5000")).isTrue();
  }
}
