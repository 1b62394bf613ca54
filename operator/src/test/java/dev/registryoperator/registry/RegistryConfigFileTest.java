package dev.registryoperator.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class RegistryConfigFileTest {

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(String yaml) {
    return new Yaml().load(yaml);
  }

  @SuppressWarnings("unchecked")
  private static Object at(Map<String, Object> map, String dotted) {
    Object node = map;
    for (String part : dotted.split("\\.")) {
      node = ((Map<String, Object>) node).get(part);
    }
    return node;
  }

  @Test
  void filesystemStorageWithDeletesEnabledAndWritable() {
    Map<String, Object> config =
        parse(RegistryConfigFile.render(Registries.withPvc("r", "1Gi").getSpec()));

    assertThat(at(config, "version")).isEqualTo("0.1");
    assertThat(at(config, "storage.filesystem.rootdirectory")).isEqualTo("/var/lib/registry");
    assertThat(at(config, "storage.delete.enabled")).isEqualTo(true);
    // read-only is set in the pod spec (RegistryDeployment), never here: a window does not rewrite
    // this file
    assertThat(at(config, "storage.maintenance")).isNull();
    assertThat(at(config, "http.addr")).isEqualTo(":5000");
    assertThat(at(config, "http.debug.addr")).isEqualTo(":5001");
    // on SIGTERM, requests in flight (an upload) finish before the process exits, within the grace
    // period
    assertThat(at(config, "http.draintimeout")).isEqualTo("25s");
    assertThat(config).doesNotContainKey("auth");
    assertThat(((Map<?, ?>) at(config, "http")).containsKey("tls")).isFalse();
  }

  @Test
  void authAndTlsPointAtTheMountedSecrets() {
    Map<String, Object> config =
        parse(RegistryConfigFile.render(Registries.withAuthAndTls("r").getSpec()));

    assertThat(at(config, "auth.htpasswd.path")).isEqualTo("/etc/registry-auth/htpasswd");
    assertThat(at(config, "http.tls.certificate")).isEqualTo("/etc/registry-tls/tls.crt");
    assertThat(at(config, "http.tls.key")).isEqualTo("/etc/registry-tls/tls.key");
  }

  @Test
  void s3StorageCarriesNoCredentials() {
    String yaml = RegistryConfigFile.render(Registries.withS3("r").getSpec());
    Map<String, Object> config = parse(yaml);

    assertThat(at(config, "storage.s3.bucket")).isEqualTo("images");
    assertThat(at(config, "storage.s3.region")).isEqualTo("eu-west-1");
    assertThat(at(config, "storage.s3.regionendpoint")).isEqualTo("https://minio.example:9000");
    assertThat(((Map<?, ?>) at(config, "storage")).containsKey("filesystem")).isFalse();
    assertThat(yaml)
        .doesNotContainIgnoringCase("accesskey")
        .doesNotContainIgnoringCase("secretkey");
  }

  @Test
  void userConfigIsMergedDeeplyWithoutLosingGeneratedKeys() {
    RegistrySpec spec = Registries.withPvc("r", "1Gi").getSpec();
    spec.setConfig(
        Map.of(
            "log",
            Map.of("level", "debug"),
            "http",
            Map.of("headers", Map.of("X-Team", List.of("a"))),
            "proxy",
            Map.of("remoteurl", "https://registry-1.docker.io")));

    Map<String, Object> config = parse(RegistryConfigFile.render(spec));

    assertThat(at(config, "log.level")).isEqualTo("debug");
    assertThat(at(config, "log.formatter")).isEqualTo("text");
    assertThat(at(config, "http.addr")).isEqualTo(":5000");
    assertThat(at(config, "http.headers.X-Team")).isEqualTo(List.of("a"));
    assertThat(at(config, "proxy.remoteurl")).isEqualTo("https://registry-1.docker.io");
  }

  @Test
  void ownedKeysAreFoundAtAnyDepth() {
    assertThat(
            RegistryConfigFile.ownedKeysIn(
                Map.of(
                    "storage",
                    Map.of("delete", Map.of("enabled", false)),
                    "http",
                    Map.of("addr", ":80", "headers", Map.of()))))
        .containsExactly("storage", "http.addr");
    assertThat(
            RegistryConfigFile.ownedKeysIn(
                Map.of("http", Map.of("headers", Map.of()), "log", Map.of())))
        .isEmpty();
    assertThat(RegistryConfigFile.ownedKeysIn(null)).isEmpty();
  }
}
