package dev.registryoperator.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryValidatorTest {

  @Test
  void aMinimalPvcRegistryIsValid() {
    assertThat(RegistryValidator.validate(Registries.withPvc("r", "10Gi").getSpec())).isEmpty();
    assertThat(RegistryValidator.validate(Registries.withS3("r").getSpec())).isEmpty();
    assertThat(RegistryValidator.validate(Registries.withAuthAndTls("r").getSpec())).isEmpty();
  }

  @Test
  void bothStorageKindsAreRefused() {
    RegistrySpec spec = Registries.withPvc("r", "1Gi").getSpec();
    spec.getStorage().setS3(Registries.withS3("x").getSpec().getStorage().getS3());

    assertThat(RegistryValidator.validate(spec))
        .hasValueSatisfying(
            p -> {
              assertThat(p.reason()).isEqualTo(RegistryReason.InvalidSpec);
              assertThat(p.message())
                  .contains("exactly one of spec.storage.pvc or spec.storage.s3");
            });
  }

  @Test
  void noStorageIsRefused() {
    RegistrySpec spec = new RegistrySpec();
    assertThat(RegistryValidator.validate(spec))
        .hasValueSatisfying(p -> assertThat(p.message()).contains("spec.storage is required"));
  }

  @Test
  void pvcNeedsExactlyOneOfSizeOrExistingClaim() {
    RegistrySpec both = Registries.withPvc("r", "1Gi").getSpec();
    both.getStorage().getPvc().setExistingClaim("mine");
    RegistrySpec neither = Registries.withPvc("r", null).getSpec();

    assertThat(RegistryValidator.validate(both))
        .hasValueSatisfying(p -> assertThat(p.message()).contains("exactly one of size"));
    assertThat(RegistryValidator.validate(neither))
        .hasValueSatisfying(p -> assertThat(p.message()).contains("exactly one of size"));
  }

  @Test
  void badQuantityNegativeReplicasAndBadPortAreRefused() {
    assertThat(RegistryValidator.validate(Registries.withPvc("r", "lots").getSpec()))
        .hasValueSatisfying(p -> assertThat(p.message()).contains("'lots' is not a quantity"));

    RegistrySpec replicas = Registries.withPvc("r", "1Gi").getSpec();
    replicas.setReplicas(-1);
    assertThat(RegistryValidator.validate(replicas))
        .hasValueSatisfying(
            p -> assertThat(p.message()).contains("spec.replicas must be 0 or more"));

    RegistrySpec port = Registries.withPvc("r", "1Gi").getSpec();
    ServiceSpec service = new ServiceSpec();
    service.setPort(70000);
    port.setService(service);
    assertThat(RegistryValidator.validate(port))
        .hasValueSatisfying(p -> assertThat(p.message()).contains("between 1 and 65535"));
  }

  @Test
  void hostNamesAreHostsWithAnOptionalPort() {
    RegistrySpec good = Registries.withPvc("r", "1Gi").getSpec();
    good.setHostNames(
        List.of(
            "registry.example.com",
            "localhost:30500",
            "Registry.Example.COM:443",
            "10.0.0.7:5000",
            "[fd00::7]:5000",
            "images"));
    assertThat(RegistryValidator.validate(good)).isEmpty();

    for (String bad :
        List.of(
            "https://registry.example.com",
            "registry.example.com/team",
            "user@registry.example.com",
            "registry.example.com:0",
            "registry.example.com:70000",
            "registry.example.com:",
            "-registry.example.com",
            "registry..example.com",
            "")) {
      RegistrySpec spec = Registries.withPvc("r", "1Gi").getSpec();
      spec.setHostNames(List.of("localhost:30500", bad));
      assertThat(RegistryValidator.validate(spec))
          .as(bad)
          .hasValueSatisfying(
              p -> {
                assertThat(p.reason()).isEqualTo(RegistryReason.InvalidSpec);
                assertThat(p.message())
                    .startsWith("spec.hostNames[1] '" + bad + "' is not a host[:port]");
              });
    }
  }

  @Test
  void readWriteOncePodAllowsOnePod() {
    RegistrySpec spec = Registries.withPvc("r", "1Gi").getSpec();
    spec.getStorage().getPvc().setAccessModes(List.of(PvcStorageSpec.AccessMode.ReadWriteOncePod));
    spec.setReplicas(2);

    assertThat(RegistryValidator.validate(spec))
        .hasValueSatisfying(
            p -> assertThat(p.message()).contains("ReadWriteOncePod allows one pod"));
  }

  @Test
  void ownedConfigKeysAreRefusedByName() {
    RegistrySpec spec = Registries.withPvc("r", "1Gi").getSpec();
    spec.setConfig(
        Map.of(
            "storage",
            Map.of("delete", Map.of("enabled", false)),
            "http",
            Map.of("tls", Map.of())));

    assertThat(RegistryValidator.validate(spec))
        .hasValueSatisfying(
            p -> {
              assertThat(p.reason()).isEqualTo(RegistryReason.OwnedConfigKey);
              assertThat(p.message()).contains("storage, http.tls").contains("remove them");
            });
  }

  @Test
  void namesAClusterRefusesAreRefused() {
    // The name is the Service's (a DNS-1035 label) and the value of the instance label (63
    // characters at most).
    for (String name :
        List.of("Images", "1images", "images.team", "images_1", "images-", "a".repeat(64))) {
      Registry registry = Registries.withPvc(name, "1Gi");
      assertThat(RegistryValidator.validate(registry))
          .as(name)
          .hasValueSatisfying(
              p -> {
                assertThat(p.reason()).isEqualTo(RegistryReason.InvalidSpec);
                assertThat(p.message()).startsWith("metadata.name '" + name + "'");
              });
    }
    for (String name : List.of("images", "a", "team-a-images-2", "a".repeat(63))) {
      assertThat(RegistryValidator.validate(Registries.withPvc(name, "1Gi"))).as(name).isEmpty();
    }
  }

  @Test
  void anExplicitNullOrAScalarInPlaceOfAnOwnedKeyIsRefusedLikeTheKey() {
    // Merged into config.yml, each would silently turn auth or TLS off, or drop the listen address.
    java.util.Map<String, Object> nullAuth = new java.util.HashMap<>();
    nullAuth.put("auth", null);
    java.util.Map<String, Object> nullTls = new java.util.HashMap<>();
    nullTls.put("tls", null);
    java.util.Map<String, Object> nullHttp = new java.util.HashMap<>();
    nullHttp.put("http", null);
    java.util.Map<String, java.util.Map<String, Object>> cases = new java.util.LinkedHashMap<>();
    cases.put("auth", nullAuth);
    cases.put("http.tls", Map.of("http", nullTls));
    cases.put("http", nullHttp);
    cases.put("http ", Map.of("http", "plain"));
    cases.forEach(
        (owned, config) -> {
          RegistrySpec spec = Registries.withAuthAndTls("r").getSpec();
          spec.setConfig(config);
          assertThat(RegistryValidator.validate(spec))
              .as(owned)
              .hasValueSatisfying(
                  p -> {
                    assertThat(p.reason()).isEqualTo(RegistryReason.OwnedConfigKey);
                    assertThat(p.message()).startsWith("spec.config sets " + owned.trim() + ",");
                  });
        });
    RegistrySpec fine = Registries.withAuthAndTls("r").getSpec();
    fine.setConfig(Map.of("http", Map.of("relativeurls", true), "log", Map.of("level", "debug")));
    assertThat(RegistryValidator.validate(fine)).isEmpty();
  }

  @Test
  void anExplicitNullSurvivesReadingTheRegistryAndIsRefused() {
    Registry registry =
        io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
            "{\"apiVersion\":\"registry.operator.dev/v1alpha1\",\"kind\":\"Registry\",\"metadata\":{\"name\":\"r\"},"
                + "\"spec\":{\"storage\":{\"pvc\":{\"size\":\"1Gi\"}},\"config\":{\"http\":{\"tls\":null}}}}",
            Registry.class);

    assertThat(RegistryValidator.validate(registry))
        .hasValueSatisfying(p -> assertThat(p.message()).startsWith("spec.config sets http.tls,"));
  }
}
