package dev.registryoperator.registry;

import dev.registryoperator.common.Labels;
import dev.registryoperator.common.Owners;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** The Secrets the operator creates for a registry: its config.yml and its HTTP secret. Pure. */
public final class RegistrySecrets {
  private RegistrySecrets() {}

  /** The rendered config.yml; a Secret because user config may carry credentials. */
  public static Secret config(Registry registry, String configYaml) {
    String name = registry.getMetadata().getName();
    return new SecretBuilder()
        .withNewMetadata()
        .withName(RegistryNames.configSecret(name))
        .withNamespace(registry.getMetadata().getNamespace())
        .withLabels(Labels.forInstance(name, Labels.COMPONENT_REGISTRY))
        .withOwnerReferences(Owners.controller(registry))
        .endMetadata()
        .withType("Opaque")
        .withData(Map.of(RegistryNames.CONFIG_FILE, base64(configYaml)))
        .build();
  }

  /**
   * The secret distribution signs upload state with. Replicas must share it or uploads that cross
   * pods fail; created once with the given random value and never rewritten.
   */
  public static Secret httpSecret(Registry registry, String randomValue) {
    String name = registry.getMetadata().getName();
    return new SecretBuilder()
        .withNewMetadata()
        .withName(RegistryNames.httpSecret(name))
        .withNamespace(registry.getMetadata().getNamespace())
        .withLabels(Labels.forInstance(name, Labels.COMPONENT_REGISTRY))
        .withOwnerReferences(Owners.controller(registry))
        .endMetadata()
        .withType("Opaque")
        .withData(Map.of(RegistryNames.HTTP_SECRET_KEY, base64(randomValue)))
        .build();
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  /** The text under a key of a Secret, from data (base64) or stringData. */
  public static String text(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().get(key) != null) {
      return new String(
          Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
    return secret.getStringData() == null ? null : secret.getStringData().get(key);
  }

  public static boolean hasKey(Secret secret, String key) {
    String value = text(secret, key);
    return value != null && !value.isEmpty();
  }
}
