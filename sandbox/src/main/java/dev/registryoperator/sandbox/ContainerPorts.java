package dev.registryoperator.sandbox;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A container's ports on this machine. Every pod shares its network, so each port the container
 * declares gets a free port of its own on 127.0.0.1; a probe or a Service's {@code targetPort}
 * finds it by the container port's number or name.
 */
final class ContainerPorts {
  private final Map<Integer, Integer> local; // container port -> local port, as declared
  private final Map<String, Integer> named; // container port name -> container port

  ContainerPorts(Map<Integer, Integer> local, Map<String, Integer> named) {
    this.local = Collections.unmodifiableMap(new LinkedHashMap<>(local));
    this.named = Collections.unmodifiableMap(new LinkedHashMap<>(named));
  }

  /** A free loopback port for each port the container declares. */
  static ContainerPorts allocate(Container container) throws IOException {
    Map<Integer, Integer> local = new LinkedHashMap<>();
    Map<String, Integer> named = new LinkedHashMap<>();
    List<ContainerPort> declared = container.getPorts() == null ? List.of() : container.getPorts();
    for (ContainerPort port : declared) {
      local.put(port.getContainerPort(), freePort());
      if (port.getName() != null) {
        named.put(port.getName(), port.getContainerPort());
      }
    }
    return new ContainerPorts(local, named);
  }

  /** Whether the container declares no port. */
  boolean isEmpty() {
    return local.isEmpty();
  }

  /** Container port to local port. */
  Map<Integer, Integer> byContainerPort() {
    return local;
  }

  /** The local port of a container port given by number or name; null for none of its ports. */
  Integer localPort(IntOrString port) {
    if (port == null) {
      return null;
    }
    Integer containerPort =
        port.getIntVal() != null ? port.getIntVal() : named.get(port.getStrVal());
    return containerPort == null ? null : local.get(containerPort);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
