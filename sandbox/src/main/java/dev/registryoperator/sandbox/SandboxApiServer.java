package dev.registryoperator.sandbox;

import dev.registryoperator.fakecluster.ApiRequest;
import dev.registryoperator.fakecluster.CrudApiDispatcher;
import dev.registryoperator.fakecluster.MockApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The embedded API server: the Fabric8 mock server in CRUD mode on 127.0.0.1 (plain HTTP), plus
 * what a real API server serves and the mock does not, so that kubectl can be pointed at it: the
 * discovery documents ({@link Discovery}, answered whatever the query string, as kubectl adds
 * {@code ?timeout=32s}) and pod logs ({@code kubectl logs}) from the sandbox's processes. Not a
 * real kube-apiserver: see design.md section 5.
 */
final class SandboxApiServer implements AutoCloseable {
  private static final Pattern POD_LOG =
      Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)/log");

  private final MockApiServer server;
  private final Discovery discovery;
  private final Dispatcher dispatcher;

  private SandboxApiServer(int port, BiFunction<String, String, Optional<String>> podLogs) {
    Holder holder = new Holder();
    dispatcher = new Dispatcher(holder, podLogs);
    server = MockApiServer.start(dispatcher, port);
    discovery = new Discovery("127.0.0.1:" + server.port());
    holder.discovery = discovery;
  }

  /**
   * Starts on {@code port} of 127.0.0.1 (0: a free one). {@code podLogs}: (namespace, pod) to its
   * log.
   */
  static SandboxApiServer start(int port, BiFunction<String, String, Optional<String>> podLogs) {
    return new SandboxApiServer(port, podLogs);
  }

  String url() {
    return "http://127.0.0.1:" + server.port();
  }

  KubernetesClient client() {
    return server.client();
  }

  /** Starts recording every request (see {@link CrudApiDispatcher#requests()}). */
  void recordRequests() {
    dispatcher.recordRequests();
  }

  List<ApiRequest> requests() {
    return dispatcher.requests();
  }

  /** A new client whose requests carry {@code userAgent}. */
  KubernetesClient newClient(String userAgent) {
    return server.newClient(userAgent);
  }

  /** A new client (e.g. one for the operator, one for the fake cluster). */
  KubernetesClient newClient() {
    return server.newClient();
  }

  void createNamespace(String name) {
    try {
      client()
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  /** Creates the CRDs of a directory (*.yml, *.yaml) and serves their discovery documents. */
  List<CustomResourceDefinition> installCrds(Path directory) {
    List<CustomResourceDefinition> installed = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file :
          files
              .filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml"))
              .sorted()
              .toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          CustomResourceDefinition crd =
              client().apiextensions().v1().customResourceDefinitions().load(in).item();
          client().apiextensions().v1().customResourceDefinitions().resource(crd).create();
          discovery.addCustomResource(crd);
          installed.add(crd);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read CRDs from " + directory, e);
    }
    return installed;
  }

  /**
   * A kubeconfig for this server (no credentials: the mock checks none), current namespace {@code
   * namespace}.
   */
  Path writeKubeconfig(Path file, String namespace) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: registry-operator-sandbox
          cluster:
            server: %s
        users:
        - name: sandbox
          user: {}
        contexts:
        - name: registry-operator-sandbox
          context:
            cluster: registry-operator-sandbox
            user: sandbox
            namespace: %s
        current-context: registry-operator-sandbox
        """
            .formatted(url(), namespace));
    return file;
  }

  @Override
  public void close() {
    server.close();
  }

  /** Set after the server started (the discovery documents carry its address). */
  private static final class Holder {
    volatile Discovery discovery;
  }

  /** The CRUD dispatcher, with discovery documents and pod logs in front. */
  private static final class Dispatcher extends CrudApiDispatcher {
    private final Holder holder;
    private final BiFunction<String, String, Optional<String>> podLogs;

    Dispatcher(Holder holder, BiFunction<String, String, Optional<String>> podLogs) {
      this.holder = holder;
      this.podLogs = podLogs;
    }

    @Override
    protected MockResponse answer(RecordedRequest request) {
      if ("GET".equals(request.getMethod()) && request.getPath() != null) {
        String path = request.getPath();
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        Discovery discovery = holder.discovery;
        Optional<String> document = discovery == null ? Optional.empty() : discovery.document(bare);
        if (document.isPresent()) {
          return new MockResponse()
              .setResponseCode(200)
              .setHeader("Content-Type", "application/json")
              .setBody(document.get());
        }
        Matcher log = POD_LOG.matcher(bare);
        if (log.matches()) {
          Optional<String> text = podLogs.apply(log.group(1), log.group(2));
          return text.map(
                  t ->
                      new MockResponse()
                          .setResponseCode(200)
                          .setHeader("Content-Type", "text/plain")
                          .setBody(t))
              .orElseGet(
                  () ->
                      new MockResponse()
                          .setResponseCode(404)
                          .setHeader("Content-Type", "application/json")
                          .setBody(
                              "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"no log"
                                  + " for pod "
                                  + log.group(2)
                                  + "\",\"reason\":\"NotFound\",\"code\":404}"));
        }
      }
      return super.answer(request);
    }
  }
}
