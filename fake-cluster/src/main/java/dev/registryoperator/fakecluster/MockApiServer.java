package dev.registryoperator.fakecluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesClientBuilderCustomizer;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Fabric8 mock API server in CRUD mode (plain HTTP) with one client, closeable; a failed JSON
 * patch is refused with 422 ({@link CrudApiDispatcher}). Not a real kube-apiserver: see design.md
 * section 5 and {@code MockApiServerBehaviourTest} for what it does and does not do.
 */
public final class MockApiServer implements AutoCloseable {
  /** Held so the level set on it sticks (JUL keeps loggers weakly). */
  private static final Logger REQUEST_LOG = Logger.getLogger(MockWebServer.class.getName());

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final CrudApiDispatcher dispatcher;

  private MockApiServer(CrudApiDispatcher dispatcher, boolean logRequests, int port) {
    this.dispatcher = dispatcher;
    REQUEST_LOG.setLevel(logRequests ? Level.INFO : Level.WARNING);
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), port);
    client = server.createClient();
  }

  /** Starts a fresh, empty CRUD mock server that does not log every request. */
  public static MockApiServer start() {
    return start(false);
  }

  /** Starts a fresh, empty CRUD mock server; {@code logRequests} logs each request (JUL, INFO). */
  public static MockApiServer start(boolean logRequests) {
    return new MockApiServer(new CrudApiDispatcher(), logRequests, 0);
  }

  /**
   * Starts a CRUD mock server answering through {@code dispatcher} (a subclass may serve more
   * paths) on {@code port} of the loopback address (0: a free one), without logging every request.
   */
  public static MockApiServer start(CrudApiDispatcher dispatcher, int port) {
    return new MockApiServer(dispatcher, false, port);
  }

  /** The server's port on the loopback address. */
  public int port() {
    return server.getPort();
  }

  /**
   * The dispatcher answering requests: add an admission hook with {@link CrudApiDispatcher#admit}.
   */
  public CrudApiDispatcher dispatcher() {
    return dispatcher;
  }

  public KubernetesMockServer server() {
    return server;
  }

  public KubernetesClient client() {
    return client;
  }

  /** A new client to the same server (e.g. one for the operator, one for the test). */
  public KubernetesClient newClient() {
    return server.createClient();
  }

  /**
   * A new client whose requests carry {@code userAgent} (to tell, say, the operator's requests
   * apart).
   */
  public KubernetesClient newClient(String userAgent) {
    return server.createClient(
        builder -> {
          new KubernetesClientBuilderCustomizer().accept(builder);
          builder.editOrNewConfig().withUserAgent(userAgent).endConfig();
        });
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
