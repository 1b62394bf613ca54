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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the sandbox's API server adds to the CRUD mock, as kubectl and the operator meet it. */
class SandboxApiServerTest {
  private SandboxApiServer api;
  private KubernetesClient client;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    api =
        SandboxApiServer.start(
            0, (ns, pod) -> "p1".equals(pod) ? Optional.of("hello from p1\n") : Optional.empty());
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
    return http.send(
        HttpRequest.newBuilder(URI.create(api.url() + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void discoveryIsAnsweredWhateverTheQueryString() throws Exception {
    assertThat(get("/apis/registry.operator.dev/v1alpha1?timeout=32s").body())
        .contains("\"gcschedules\"", "\"reg\"");
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
      client
          .v1()
          .events()
          .inNamespace("default")
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName("e-" + name)
                  .endMetadata()
                  .withReason("R" + name)
                  .withNewInvolvedObject()
                  .withKind("Registry")
                  .withName(name)
                  .withNamespace("default")
                  .endInvolvedObject()
                  .build())
          .create();
    }
    String body =
        get("/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Da%2C"
                + "involvedObject.kind%3DRegistry&limit=500")
            .body();
    assertThat(body).contains("\"EventList\"", "\"Ra\"").doesNotContain("\"Rb\"");
  }

  @Test
  void aJsonPatchWhoseTestFailsIsRefusedWith422() {
    client
        .configMaps()
        .inNamespace("default")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("c")
                .endMetadata()
                .addToData("k", "v")
                .build())
        .create();
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                client
                    .configMaps()
                    .inNamespace("default")
                    .withName("c")
                    .patch(
                        PatchContext.of(PatchType.JSON),
                        "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"0\"},"
                            + "{\"op\":\"replace\",\"path\":\"/data/k\",\"value\":\"w\"}]"))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(client.configMaps().inNamespace("default").withName("c").get().getData())
        .containsEntry("k", "v");
  }

  /**
   * What {@code kubectl create secret generic x --from-literal=a=b} sends (kubectl 1.32): a POST
   * whose body is protobuf ({@code application/vnd.kubernetes.protobuf}) with {@code fieldManager}
   * and {@code fieldValidation} in the query string. The mock's YAML parser threw on it (the
   * protobuf magic number's NUL byte) and never answered. Now it is created; a protobuf body of a
   * kind the mock does not read is refused with 415 at once.
   */
  @Test
  void aProtobufSecretAsKubectlSendsItIsCreated() throws Exception {
    byte[] secret =
        concat(
            field(1, concat(field(1, "x".getBytes()), field(3, "default".getBytes()))),
            field(2, concat(field(1, "a".getBytes()), field(2, "b".getBytes()))),
            field(4, concat(field(1, "s".getBytes()), field(2, "t".getBytes()))),
            field(3, "Opaque".getBytes()));
    HttpResponse<String> created =
        postProtobuf("/api/v1/namespaces/default/secrets", envelope("Secret", secret));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    var stored = client.secrets().inNamespace("default").withName("x").get();
    assertThat(stored.getData()).containsEntry("a", "Yg==");
    assertThat(stored.getType()).isEqualTo("Opaque");

    HttpResponse<String> refused =
        postProtobuf(
            "/api/v1/namespaces/default/pods", envelope("Pod", field(1, field(1, "p".getBytes()))));
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(415);
    assertThat(refused.body()).contains("\"UnsupportedMediaType\"");
  }

  private HttpResponse<String> postProtobuf(String path, byte[] body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create(
                    api.url() + path + "?fieldManager=kubectl-create&fieldValidation=Strict"))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/vnd.kubernetes.protobuf")
            .header("Accept", "application/vnd.kubernetes.protobuf,application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@code k8s\0} and a runtime.Unknown: typeMeta (apiVersion v1, kind), raw. */
  private static byte[] envelope(String kind, byte[] raw) {
    return concat(
        new byte[] {'k', '8', 's', 0},
        field(1, concat(field(1, "v1".getBytes()), field(2, kind.getBytes()))),
        field(2, raw));
  }

  /** A length-delimited protobuf field (lengths under 128 here). */
  private static byte[] field(int number, byte[] value) {
    return concat(new byte[] {(byte) (number << 3 | 2), (byte) value.length}, value);
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** The same create in JSON, with kubectl's query string, is answered. */
  @Test
  void aCreateWithKubectlsQueryStringIsAnswered() throws Exception {
    HttpResponse<String> created =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        api.url()
                            + "/api/v1/namespaces/default/secrets?fieldManager=kubectl-create&fieldValidation=Strict"))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"kind\":\"Secret\",\"apiVersion\":\"v1\",\"metadata\":"
                            + "{\"name\":\"x\",\"creationTimestamp\":null},\"data\":{\"a\":\"Yg==\"}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(client.secrets().inNamespace("default").withName("x").get().getData())
        .containsEntry("a", "Yg==");
  }

  @Test
  void kubectlCreateSecretGenericAnswers() throws Exception {
    Path kubectl = Path.of("/usr/bin/kubectl");
    Assumptions.assumeTrue(Files.isExecutable(kubectl), "kubectl is not installed");
    Path kubeconfig =
        api.writeKubeconfig(Files.createTempDirectory("kubeconfig").resolve("config"), "default");
    assertThat(
            kubectl(kubectl, kubeconfig, "create", "secret", "generic", "y", "--from-literal=a=b"))
        .contains("secret/y created");
    assertThat(client.secrets().inNamespace("default").withName("y").get().getData())
        .containsEntry("a", "Yg==");
    assertThat(kubectl(kubectl, kubeconfig, "create", "configmap", "c", "--from-literal=k=v"))
        .contains("configmap/c created");
    assertThat(client.configMaps().inNamespace("default").withName("c").get().getData())
        .containsEntry("k", "v");
  }

  private static String kubectl(Path kubectl, Path kubeconfig, String... args) throws Exception {
    java.util.List<String> command =
        new java.util.ArrayList<>(
            java.util.List.of(
                kubectl.toString(),
                "--kubeconfig",
                kubeconfig.toString(),
                "--request-timeout=10s"));
    command.addAll(java.util.List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    boolean exited = p.waitFor(20, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly();
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(exited).as("kubectl answered: " + output).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    return output;
  }
}
