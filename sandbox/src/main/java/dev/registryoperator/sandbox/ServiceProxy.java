package dev.registryoperator.sandbox;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for one Service port (kube-proxy): a stable address on 127.0.0.1 that forwards each
 * TCP connection to a ready pod the Service selects, round robin. Pods come and go during a GC run;
 * a client keeps one URL. With no ready pod, a connection is reset at once (as a Service without
 * endpoints refuses).
 */
final class ServiceProxy implements AutoCloseable {
  private static final Duration BACKEND_CONNECT_RETRY = Duration.ofSeconds(1);

  private final String namespace;
  private final String service;
  private final Map<String, String> selector;
  private final IntOrString targetPort;
  private final Endpoints endpoints;
  private final ServerSocket listener;
  private final ExecutorService threads;
  private final AtomicInteger next = new AtomicInteger();
  private volatile boolean closed;

  ServiceProxy(
      String namespace,
      String service,
      Map<String, String> selector,
      IntOrString targetPort,
      int localPort,
      Endpoints endpoints)
      throws IOException {
    this.namespace = namespace;
    this.service = service;
    this.selector = Map.copyOf(selector);
    this.targetPort = targetPort;
    this.endpoints = endpoints;
    this.listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), localPort), 128);
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "service-" + service);
              t.setDaemon(true);
              return t;
            });
    threads.execute(this::acceptLoop);
  }

  int port() {
    return listener.getLocalPort();
  }

  String url() {
    return "http://127.0.0.1:" + port();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      threads.execute(() -> forward(client));
    }
  }

  private void forward(Socket client) {
    long deadline = System.nanoTime() + BACKEND_CONNECT_RETRY.toNanos();
    while (!closed) {
      List<Endpoints.Endpoint> ready = endpoints.select(namespace, selector);
      if (ready.isEmpty()) {
        reset(client);
        return;
      }
      Endpoints.Endpoint backend = ready.get(Math.floorMod(next.getAndIncrement(), ready.size()));
      Integer port = backend.localPort(targetPort);
      if (port == null) {
        reset(client);
        return;
      }
      try {
        Socket upstream = backend.connect(port);
        Connection connection = new Connection(client, upstream, backend);
        backend.connections.add(connection);
        if (backend.draining) {
          // Lost a race with drain(): nothing was sent yet, so take another pod.
          backend.connections.remove(connection);
          upstream.close();
          continue;
        }
        threads.execute(() -> connection.pump(true));
        connection.pump(false);
        return;
      } catch (IOException e) {
        // ready by its health check but not listening yet, or stopping: another try, maybe another
        // pod
        if (System.nanoTime() > deadline) {
          reset(client);
          return;
        }
        sleep(20);
      }
    }
    reset(client);
  }

  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
      socket.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    threads.shutdownNow();
  }

  @Override
  public String toString() {
    return "Service " + namespace + "/" + service + " -> " + url();
  }

  /**
   * One client connection forwarded to one pod; knows when it last carried bytes, and in which
   * direction.
   */
  static final class Connection {
    private final Socket client;
    private final Socket upstream;
    private final Endpoints.Endpoint backend;
    private final AtomicLong lastActivity = new AtomicLong(System.nanoTime());
    private final AtomicBoolean awaitingResponse = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    Connection(Socket client, Socket upstream, Endpoints.Endpoint backend) {
      this.client = client;
      this.upstream = upstream;
      this.backend = backend;
    }

    /** Copies one direction until it ends, then closes both sides. */
    void pump(boolean toUpstream) {
      byte[] buffer = new byte[64 * 1024];
      try {
        // Not try-with-resources: closing a socket's stream closes the socket, and a half-closed
        // connection must still carry the response back.
        InputStream in = (toUpstream ? client : upstream).getInputStream();
        OutputStream out = (toUpstream ? upstream : client).getOutputStream();
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
          out.flush();
          lastActivity.set(System.nanoTime());
          awaitingResponse.set(toUpstream);
        }
        if (toUpstream) {
          upstream.shutdownOutput(); // half-close: the response may still come
          return;
        }
      } catch (SocketException e) {
        // closed by the other side, or by close()
      } catch (IOException e) {
        // broken connection: close both sides below
      }
      close();
    }

    Duration idleFor() {
      return Duration.ofNanos(System.nanoTime() - lastActivity.get());
    }

    boolean awaitingResponse() {
      return awaitingResponse.get();
    }

    void close() {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      backend.connections.remove(this);
      try {
        client.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      try {
        upstream.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
