package dev.registryoperator.sandbox;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The serving pods the sandbox runs, as Service forwarders see them (a stand-in for
 * EndpointSlices): a pod is a backend while it is ready and not terminating. When a pod is about to
 * be stopped it drains first: no new connection goes to it, idle kept-alive connections are closed,
 * and requests in flight may finish.
 */
final class Endpoints {
  /**
   * One pod: its labels, its container ports on loopback, whether it is ready, its open
   * connections.
   */
  static final class Endpoint {
    final String uid;
    final String namespace;
    final String pod;
    final Map<String, String> labels;
    final ContainerPorts ports;
    volatile boolean ready;
    volatile boolean draining;
    final Set<ServiceProxy.Connection> connections = ConcurrentHashMap.newKeySet();

    Endpoint(
        String uid,
        String namespace,
        String pod,
        Map<String, String> labels,
        ContainerPorts ports) {
      this.uid = uid;
      this.namespace = namespace;
      this.pod = pod;
      this.labels = Map.copyOf(labels);
      this.ports = ports;
    }

    boolean serving() {
      return ready && !draining;
    }

    /** The local port for a Service's targetPort (a number or a container port name), or null. */
    Integer localPort(IntOrString targetPort) {
      return ports.localPort(targetPort);
    }

    Socket connect(int localPort) throws IOException {
      Socket socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", localPort), 2000);
      return socket;
    }
  }

  private final List<Endpoint> all = new CopyOnWriteArrayList<>();

  void add(Endpoint endpoint) {
    all.add(endpoint);
  }

  void remove(String uid) {
    all.removeIf(e -> e.uid.equals(uid));
  }

  Endpoint get(String uid) {
    return all.stream().filter(e -> e.uid.equals(uid)).findFirst().orElse(null);
  }

  /** Marks the pod ready or not, if it is one of them. */
  void setReady(String uid, boolean ready) {
    Endpoint e = get(uid);
    if (e != null) {
      e.ready = ready;
    }
  }

  /** Ready, not draining pods of the namespace whose labels include the selector. */
  List<Endpoint> select(String namespace, Map<String, String> selector) {
    return all.stream()
        .filter(
            e ->
                e.serving()
                    && e.namespace.equals(namespace)
                    && selector != null
                    && !selector.isEmpty()
                    && selector.entrySet().stream()
                        .allMatch(s -> s.getValue().equals(e.labels.get(s.getKey()))))
        .toList();
  }

  /**
   * Takes the pod out of every Service, closes its idle connections, and waits (at most {@code
   * timeout}) for the others to finish.
   */
  void drain(String uid, Duration timeout) throws InterruptedException {
    Endpoint e = get(uid);
    if (e == null) {
      return;
    }
    e.draining = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!e.connections.isEmpty() && System.nanoTime() < deadline) {
      for (ServiceProxy.Connection c : e.connections) {
        if (c.idleFor().toMillis() >= 100 && !c.awaitingResponse()) {
          c.close();
        }
      }
      Thread.sleep(10);
    }
  }
}
