package dev.registryoperator.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A maintenance window as the Registry reconciler sees it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MaintenanceStatus {
  @JsonPropertyDescription("ReadOnly (pulls keep working) or ScaleToZero (no registry pod runs).")
  private String mode;

  @JsonPropertyDescription("Who holds the window: GcSchedule/<name> and its run id.")
  private String holder;

  @JsonPropertyDescription("When the window was requested.")
  private String since;

  @JsonPropertyDescription(
      "True once observed pods prove that no writable registry pod exists, terminating ones included.")
  private Boolean inEffect;

  @JsonPropertyDescription(
      "The token of the lock this window reports on: a GC run trusts inEffect only for the lock it took.")
  private String token;

  public MaintenanceStatus() {}

  public MaintenanceStatus(String mode, String holder, String since, boolean inEffect) {
    this.mode = mode;
    this.holder = holder;
    this.since = since;
    this.inEffect = inEffect;
  }

  public String getToken() {
    return token;
  }

  public void setToken(String token) {
    this.token = token;
  }

  public String getMode() {
    return mode;
  }

  public void setMode(String mode) {
    this.mode = mode;
  }

  public String getHolder() {
    return holder;
  }

  public void setHolder(String holder) {
    this.holder = holder;
  }

  public String getSince() {
    return since;
  }

  public void setSince(String since) {
    this.since = since;
  }

  public Boolean getInEffect() {
    return inEffect;
  }

  public void setInEffect(Boolean inEffect) {
    this.inEffect = inEffect;
  }
}
