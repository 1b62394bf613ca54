package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.registry.PvcStorageSpec;
import dev.registryoperator.registry.RegistryConfigFile;
import dev.registryoperator.registry.RegistrySpec;
import dev.registryoperator.registry.StorageSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The operator's config.yml changes only in its listen addresses and mounted paths. */
class RegistryConfigRewriterTest {

  @Test
  @SuppressWarnings("unchecked")
  void onlyAddressesAndMountedPathsChange() {
    RegistrySpec spec = new RegistrySpec();
    StorageSpec storage = new StorageSpec();
    PvcStorageSpec pvc = new PvcStorageSpec();
    pvc.setSize("1Gi");
    storage.setPvc(pvc);
    spec.setStorage(storage);
    spec.setConfig(
        Map.of(
            "log",
            Map.of("level", "debug"),
            "notifications",
            Map.of("events", Map.of("includereferences", true))));
    String rendered = RegistryConfigFile.render(spec);

    String rewritten =
        RegistryConfigRewriter.rewrite(
            rendered,
            Map.of(5000, 41000, 5001, 41001),
            path ->
                path.startsWith("/var/lib/registry")
                    ? "/tmp/claims/images-data" + path.substring(17)
                    : path);

    Map<String, Object> before = new Yaml().load(rendered);
    Map<String, Object> after = new Yaml().load(rewritten);
    Map<String, Object> http = (Map<String, Object>) after.get("http");
    assertThat(http.get("addr")).isEqualTo("127.0.0.1:41000");
    assertThat(((Map<String, Object>) http.get("debug")).get("addr")).isEqualTo("127.0.0.1:41001");
    Map<String, Object> storageAfter = (Map<String, Object>) after.get("storage");
    assertThat(((Map<String, Object>) storageAfter.get("filesystem")).get("rootdirectory"))
        .isEqualTo("/tmp/claims/images-data");

    // Everything else is as rendered.
    ((Map<String, Object>) before.get("http")).remove("addr");
    ((Map<String, Object>) ((Map<String, Object>) before.get("http")).get("debug")).remove("addr");
    ((Map<String, Object>) ((Map<String, Object>) before.get("storage")).get("filesystem"))
        .remove("rootdirectory");
    http.remove("addr");
    ((Map<String, Object>) http.get("debug")).remove("addr");
    ((Map<String, Object>) storageAfter.get("filesystem")).remove("rootdirectory");
    assertThat(after).isEqualTo(before);
  }

  @Test
  void addressesOfUnknownPortsStay() {
    assertThat(RegistryConfigRewriter.localAddress(":5000", Map.of(5000, 1234)))
        .isEqualTo("127.0.0.1:1234");
    assertThat(RegistryConfigRewriter.localAddress("0.0.0.0:5001", Map.of(5001, 99)))
        .isEqualTo("127.0.0.1:99");
    assertThat(RegistryConfigRewriter.localAddress(":6000", Map.of(5000, 1234))).isEqualTo(":6000");
  }
}
