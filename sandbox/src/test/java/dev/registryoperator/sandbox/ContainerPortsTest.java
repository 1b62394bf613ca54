package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Container ports get loopback ports of their own, found by number or name. */
class ContainerPortsTest {
  @Test
  void eachDeclaredPortGetsAFreePortOfItsOwn() throws Exception {
    Container c =
        new ContainerBuilder()
            .addNewPort()
            .withName("http")
            .withContainerPort(5000)
            .endPort()
            .addNewPort()
            .withContainerPort(5001)
            .endPort()
            .build();

    ContainerPorts ports = ContainerPorts.allocate(c);

    assertThat(ports.byContainerPort()).containsOnlyKeys(5000, 5001);
    assertThat(ports.byContainerPort().get(5000))
        .isPositive()
        .isNotEqualTo(ports.byContainerPort().get(5001));
    assertThat(ports.isEmpty()).isFalse();
    assertThat(ContainerPorts.allocate(new Container()).isEmpty()).isTrue();
  }

  @Test
  void aPortIsFoundByNumberOrName() {
    ContainerPorts ports =
        new ContainerPorts(Map.of(5000, 41000, 5001, 41001), Map.of("debug", 5001));

    assertThat(ports.localPort(new IntOrString(5000))).isEqualTo(41000);
    assertThat(ports.localPort(new IntOrString("debug"))).isEqualTo(41001);
    assertThat(ports.localPort(new IntOrString(80))).isNull();
    assertThat(ports.localPort(new IntOrString("http"))).isNull();
    assertThat(ports.localPort(null)).isNull();
  }
}
