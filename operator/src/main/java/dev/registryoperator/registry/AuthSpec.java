package dev.registryoperator.registry;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Client authentication. */
public class AuthSpec {
  @JsonPropertyDescription("Basic authentication against an htpasswd file (bcrypt entries).")
  private Htpasswd htpasswd;

  public Htpasswd getHtpasswd() {
    return htpasswd;
  }

  public void setHtpasswd(Htpasswd htpasswd) {
    this.htpasswd = htpasswd;
  }

  /** htpasswd authentication. */
  public static class Htpasswd {
    @Required
    @JsonPropertyDescription("Secret whose key 'htpasswd' holds the htpasswd file.")
    private SecretRef secretRef;

    public SecretRef getSecretRef() {
      return secretRef;
    }

    public void setSecretRef(SecretRef secretRef) {
      this.secretRef = secretRef;
    }
  }
}
