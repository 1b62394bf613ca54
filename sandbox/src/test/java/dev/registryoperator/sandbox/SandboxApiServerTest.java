package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the sandbox's API server adds to the CRUD mock, as kubectl and the operator meet it. */
class SandboxApiServerTest {
  private SandboxApiServer api;
  private KubernetesClient client;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    api = SandboxApiServer.start(0, (ns, pod) -> "p1".equals(pod) ? Optional.of("hello from p1\n") : Optional.empty());
    api.createNamespace("default");
    api.installCrds(Sandbox.Builder.findRepoRoot().resolve("crds"));
    client = api.newClient();
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(api.url() + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void discoveryIsAnsweredWhateverTheQueryString() throws Exception {
    assertThat(get("/apis/registry.operator.dev/v1alpha1?timeout=32s").body()).contains("\"gcschedules\"", "\"reg\"");
    assertThat(get("/api?timeout=32s").body()).contains("APIVersions");
    assertThat(get("/version").body()).contains("\"minor\":\"32\"");
  }

  @Test
  void podLogsComeFromTheSandbox() throws Exception {
    assertThat(get("/api/v1/namespaces/default/pods/p1/log").body()).isEqualTo("hello from p1\n");
    assertThat(get("/api/v1/namespaces/default/pods/p2/log").statusCode()).isEqualTo(404);
  }

  @Test
  void eventsAreFilteredByFieldSelectorAsAnEventList() throws Exception {
    for (String name : new String[] {"a", "b"}) {
      client.v1().events().inNamespace("default").resource(new EventBuilder().withNewMetadata()
          .withName("e-" + name).endMetadata().withReason("R" + name).withNewInvolvedObject().withKind("Registry")
          .withName(name).withNamespace("default").endInvolvedObject().build()).create();
    }
    String body = get("/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Da%2C"
        + "involvedObject.kind%3DRegistry&limit=500").body();
    assertThat(body).contains("\"EventList\"", "\"Ra\"").doesNotContain("\"Rb\"");
  }

  @Test
  void aJsonPatchWhoseTestFailsIsRefusedWith422() {
    client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("c")
        .endMetadata().addToData("k", "v").build()).create();
    long start = System.nanoTime();
    assertThatThrownBy(() -> client.configMaps().inNamespace("default").withName("c").patch(
        PatchContext.of(PatchType.JSON),
        "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"0\"},"
            + "{\"op\":\"replace\",\"path\":\"/data/k\",\"value\":\"w\"}]"))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(client.configMaps().inNamespace("default").withName("c").get().getData()).containsEntry("k", "v");
  }
}
