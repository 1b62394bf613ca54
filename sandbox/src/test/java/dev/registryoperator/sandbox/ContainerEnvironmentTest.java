package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** A container's environment: the image's, then the container's own, resolved on this machine. */
class ContainerEnvironmentTest {
  private static final Pod POD =
      new PodBuilder()
          .withNewMetadata()
          .withNamespace("team-a")
          .withName("images-1")
          .withUid("u-1")
          .endMetadata()
          .withNewSpec()
          .withNodeName("sandbox")
          .endSpec()
          .build();
  private static final UnaryOperator<String> MOUNTS =
      path -> path.startsWith("/certs/") ? "/pod/certs/" + path.substring(7) : path;

  /** Objects kept in maps, by name. */
  private record InMemory(Map<String, Secret> secrets, Map<String, ConfigMap> configMaps)
      implements ContainerEnvironment.Objects {
    @Override
    public Secret secret(String name) {
      return secrets.get(name);
    }

    @Override
    public ConfigMap configMap(String name) {
      return configMaps.get(name);
    }
  }

  private static final InMemory NONE = new InMemory(Map.of(), Map.of());

  @Test
  void theContainersValuesFollowAndOverrideTheImagesWithMountedPathsMapped() {
    Map<String, String> env =
        ContainerEnvironment.of(
            Map.of("PATH", "/usr/bin", "OTEL_TRACES_EXPORTER", "none"),
            POD,
            List.of(
                plain("OTEL_TRACES_EXPORTER", "otlp"),
                plain("REGISTRY_HTTP_TLS_CERTIFICATE", "/certs/tls.crt"),
                plain("ELSEWHERE", "/not/mounted"),
                plain("EMPTY", null)),
            MOUNTS,
            NONE);

    assertThat(env)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "PATH", "/usr/bin",
                "OTEL_TRACES_EXPORTER", "otlp",
                "REGISTRY_HTTP_TLS_CERTIFICATE", "/pod/certs/tls.crt",
                "ELSEWHERE", "/not/mounted",
                "EMPTY", ""));
  }

  @Test
  void noEnvIsTheImagesEnvironment() {
    assertThat(ContainerEnvironment.of(Map.of("PATH", "/bin"), POD, null, MOUNTS, NONE))
        .isEqualTo(Map.of("PATH", "/bin"));
  }

  @Test
  void secretAndConfigMapKeysAreRead() {
    Secret secret =
        new SecretBuilder()
            .addToData("http-secret", base64("s3cret"))
            .addToStringData("plain", "as written")
            .build();
    ConfigMap map = new ConfigMapBuilder().addToData("level", "debug").build();
    InMemory objects = new InMemory(Map.of("images-http", secret), Map.of("settings", map));

    Map<String, String> env =
        ContainerEnvironment.of(
            Map.of(),
            POD,
            List.of(
                secretKey("REGISTRY_HTTP_SECRET", "images-http", "http-secret", false),
                secretKey("FROM_STRING_DATA", "images-http", "plain", false),
                configMapKey("LOG_LEVEL", "settings", "level", false)),
            MOUNTS,
            objects);

    assertThat(env)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "REGISTRY_HTTP_SECRET", "s3cret",
                "FROM_STRING_DATA", "as written",
                "LOG_LEVEL", "debug"));
  }

  @Test
  void aMissingOptionalKeyIsLeftOutAndAMissingRequiredOneFails() {
    assertThat(
            ContainerEnvironment.of(
                Map.of(),
                POD,
                List.of(
                    secretKey("A", "absent", "key", true),
                    configMapKey("B", "absent", "key", true)),
                MOUNTS,
                NONE))
        .isEmpty();
    assertThatThrownBy(
            () ->
                ContainerEnvironment.of(
                    Map.of(), POD, List.of(secretKey("A", "absent", "key", false)), MOUNTS, NONE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("env A: key key of Secret team-a/absent not found");
    assertThatThrownBy(
            () ->
                ContainerEnvironment.of(
                    Map.of(),
                    POD,
                    List.of(configMapKey("B", "absent", "key", false)),
                    MOUNTS,
                    NONE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("env B: key key of ConfigMap team-a/absent not found");
  }

  @Test
  void podFieldsAreThePodsWithLoopbackForItsAddresses() {
    Map<String, String> env =
        ContainerEnvironment.of(
            Map.of(),
            POD,
            List.of(
                field("NAME", "metadata.name"),
                field("NAMESPACE", "metadata.namespace"),
                field("UID", "metadata.uid"),
                field("NODE", "spec.nodeName"),
                field("POD_IP", "status.podIP"),
                field("HOST_IP", "status.hostIP"),
                field("UNKNOWN", "metadata.labels['app']")),
            MOUNTS,
            NONE);

    assertThat(env)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "NAME", "images-1",
                "NAMESPACE", "team-a",
                "UID", "u-1",
                "NODE", "sandbox",
                "POD_IP", "127.0.0.1",
                "HOST_IP", "127.0.0.1"));
  }

  private static EnvVar plain(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static EnvVar secretKey(String name, String secret, String key, boolean optional) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef(key, secret, optional)
        .endValueFrom()
        .build();
  }

  private static EnvVar configMapKey(String name, String map, String key, boolean optional) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewConfigMapKeyRef(key, map, optional)
        .endValueFrom()
        .build();
  }

  private static EnvVar field(String name, String path) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath(path)
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
