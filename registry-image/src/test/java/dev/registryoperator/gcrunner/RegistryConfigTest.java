package dev.registryoperator.gcrunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryConfigTest {
  @Test
  void filesystemRootDirectory() throws UsageException {
    RegistryConfig config =
        RegistryConfig.parse(
            """
                version: 0.1
                storage:
                  cache:
                    blobdescriptor: inmemory
                  filesystem:
                    rootdirectory: /data/registry
                  delete:
                    enabled: true
                  maintenance:
                    readonly:
                      enabled: true
                """,
            Map.of(),
            "config.yml");

    assertThat(config.storageDriver()).isEqualTo("filesystem");
    assertThat(config.isFilesystem()).isTrue();
    assertThat(config.rootDirectory()).isEqualTo(Path.of("/data/registry"));
  }

  @Test
  void filesystemDefaultsToVarLibRegistry() throws UsageException {
    RegistryConfig config = RegistryConfig.parse("storage:\n  filesystem: {}\n", Map.of(), "c");
    assertThat(config.rootDirectory()).isEqualTo(Path.of("/var/lib/registry"));
    assertThat(RegistryConfig.parse("storage:\n  filesystem:\n", Map.of(), "c").rootDirectory())
        .isEqualTo(Path.of("/var/lib/registry"));
  }

  @Test
  void environmentOverridesLikeTheRegistry() throws UsageException {
    RegistryConfig config =
        RegistryConfig.parse(
            "storage:\n  filesystem:\n    rootdirectory: /a\n",
            Map.of("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", "/b"),
            "c");
    assertThat(config.rootDirectory()).isEqualTo(Path.of("/b"));
  }

  @Test
  void s3CollectsItsSecrets() throws UsageException {
    RegistryConfig config =
        RegistryConfig.parse(
            """
                storage:
                  s3:
                    accesskey: AKIAEXAMPLEKEY123
                    secretkey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
                    region: us-east-1
                    bucket: images
                http:
                  secret: http-secret-value
                redis:
                  password: redis-password-1
                """,
            Map.of("REGISTRY_STORAGE_S3_SECRETKEY", "from-the-environment"),
            "c");

    assertThat(config.storageDriver()).isEqualTo("s3");
    assertThat(config.isFilesystem()).isFalse();
    assertThat(config.rootDirectory()).isNull();
    assertThat(config.secrets())
        .contains(
            "AKIAEXAMPLEKEY123",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "http-secret-value",
            "redis-password-1",
            "from-the-environment")
        .doesNotContain("us-east-1", "images");
    assertThat(config.s3())
        .isEqualTo(
            new S3Location(
                "images",
                "us-east-1",
                null,
                false,
                "AKIAEXAMPLEKEY123",
                "from-the-environment",
                ""));
    assertThat(config.s3().toString()).doesNotContain("from-the-environment", "AKIA");
  }

  @Test
  void s3LocationIsReadAsTheRegistryReadsIt() throws UsageException {
    S3Location s3 =
        RegistryConfig.parse(
                """
                storage:
                  s3:
                    bucket: images
                    regionendpoint: 127.0.0.1:9000
                    secure: false
                    forcepathstyle: true
                    rootdirectory: /team/registry/
                """,
                Map.of("REGISTRY_STORAGE_S3_REGION", "eu-west-1"),
                "c")
            .s3();
    assertThat(s3.endpoint()).hasToString("http://127.0.0.1:9000");
    assertThat(s3.pathStyle()).isTrue();
    assertThat(s3.region()).isEqualTo("eu-west-1");
    assertThat(s3.key("docker/registry/v2/repositories/"))
        .isEqualTo("team/registry/docker/registry/v2/repositories/");
    assertThat(
            RegistryConfig.parse("storage:\n  s3:\n    bucket: b\n", Map.of(), "c").s3().key("x"))
        .isEqualTo("x");
  }

  @Test
  void rejectsBadConfigs() {
    assertThatThrownBy(() -> RegistryConfig.parse("storage: [unclosed", Map.of(), "c"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("not valid YAML");
    assertThatThrownBy(() -> RegistryConfig.parse("- a list", Map.of(), "c"))
        .hasMessageContaining("not a YAML mapping");
    assertThatThrownBy(() -> RegistryConfig.parse("version: 0.1\n", Map.of(), "c"))
        .hasMessageContaining("has no storage section");
    assertThatThrownBy(
            () -> RegistryConfig.parse("storage:\n  delete:\n    enabled: true\n", Map.of(), "c"))
        .hasMessageContaining("exactly one storage driver, found none");
    assertThatThrownBy(
            () -> RegistryConfig.parse("storage:\n  s3: {}\n  filesystem: {}\n", Map.of(), "c"))
        .hasMessageContaining("found s3, filesystem");
    assertThatThrownBy(() -> RegistryConfig.parse("storage:\n  inmemory: {}\n", Map.of(), "c"))
        .hasMessageContaining("inmemory");
  }

  @Test
  void missingFile() {
    assertThatThrownBy(() -> RegistryConfig.load(Path.of("/nonexistent/config.yml"), Map.of()))
        .isInstanceOf(UsageException.class)
        .hasMessage("registry config not found: /nonexistent/config.yml");
  }

  @Test
  void redactorHidesSecrets() {
    Redactor redactor = new Redactor(java.util.List.of("secret-1", "secret-1-longer"));
    assertThat(redactor.redact("a secret-1-longer and secret-1.")).isEqualTo("a *** and ***.");
  }

  @Test
  void theFilesystemRootHintIsAGlanceAtTheText() {
    Map<String, String> none = Map.of();
    assertThat(
            RegistryConfig.filesystemRootHint(
                "storage:\n  filesystem:\n    rootdirectory: /data/registry  # the PVC\n", none))
        .contains(Path.of("/data/registry"));
    assertThat(
            RegistryConfig.filesystemRootHint(
                "storage:\n  filesystem:\n    rootdirectory: \"/quoted dir\"\n", none))
        .contains(Path.of("/quoted dir"));
    assertThat(RegistryConfig.filesystemRootHint("storage:\n  filesystem: {}\n", none))
        .contains(RegistryConfig.DEFAULT_ROOT);
    assertThat(
            RegistryConfig.filesystemRootHint(
                "storage:\n  filesystem:\n    # rootdirectory: /old\n", none))
        .contains(RegistryConfig.DEFAULT_ROOT);
    assertThat(RegistryConfig.filesystemRootHint("storage:\n  s3:\n    bucket: b\n", none))
        .isEmpty();
    assertThat(
            RegistryConfig.filesystemRootHint(
                "storage:\n  s3:\n    bucket: b\n",
                Map.of("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", " /env ")))
        .contains(Path.of("/env"));
  }

  @Test
  void theHintAgreesWithTheParsedConfigOnTheUsualConfigs() throws UsageException {
    for (String text :
        new String[] {
          "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: /var/lib/registry\n",
          "storage:\n  delete:\n    enabled: true\n  filesystem:\n    rootdirectory: '/srv/r'\n",
          "storage:\n  filesystem:\n"
        }) {
      assertThat(RegistryConfig.filesystemRootHint(text, Map.of()))
          .as(text)
          .contains(RegistryConfig.parse(text, Map.of(), "c").rootDirectory());
    }
  }
}
