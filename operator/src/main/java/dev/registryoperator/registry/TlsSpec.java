package dev.registryoperator.registry;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** TLS for the registry's HTTP endpoint. */
public class TlsSpec {
  @Required
  @JsonPropertyDescription(
      "A kubernetes.io/tls Secret (keys tls.crt and tls.key). A change of certificate rolls the pods.")
  private SecretRef secretRef;

  public SecretRef getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(SecretRef secretRef) {
    this.secretRef = secretRef;
  }
}
