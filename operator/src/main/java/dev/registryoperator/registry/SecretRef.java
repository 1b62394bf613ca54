package dev.registryoperator.registry;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A reference to a Secret in the Registry's namespace. */
public class SecretRef {
  @Required
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of a Secret in the same namespace as the Registry.")
  private String name;

  public SecretRef() {}

  // Not a creator for JSON: a bare string where the schema wants an object is a problem to report.
  @JsonCreator(mode = JsonCreator.Mode.DISABLED)
  public SecretRef(String name) {
    this.name = name;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
