package dev.registryoperator.gc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.registryoperator.gcreport.GcCounters;
import dev.registryoperator.registry.MaintenanceMode;

/**
 * A finished run, as kept in status.lastRun and status.history. The run's figures ({@link
 * GcCounters}) are the runner's, under the report's names.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GcRunRecord extends GcCounters {
  @JsonPropertyDescription("Run id.")
  private String id;

  @JsonPropertyDescription(
      "The Registry the run collected (the one it held, whatever spec.registryRef says now).")
  private String registry;

  @JsonPropertyDescription(
      "For a requested run, the value of the run-requested-at annotation that asked for it: kubectl wait --for=jsonpath='{.status.lastRun.runRequest}'=<value> waits for that run.")
  private String runRequest;

  @JsonPropertyDescription("Schedule or Manual.")
  private GcRunTrigger trigger;

  @JsonPropertyDescription("ReadOnly or ScaleToZero: how the registry was made safe to collect.")
  private MaintenanceMode mode;

  @JsonPropertyDescription("Succeeded, Failed or Skipped.")
  private GcRunResult result;

  @JsonPropertyDescription("Why, as a CamelCase reason from a fixed set.")
  private String reason;

  @JsonPropertyDescription("What happened, in words.")
  private String message;

  @JsonPropertyDescription("When the run began.")
  private String startTime;

  @JsonPropertyDescription("When service was restored and the run ended.")
  private String finishTime;

  @JsonPropertyDescription("reclaimedBytes in human units, for kubectl get.")
  private String reclaimed;

  @JsonPropertyDescription(
      "Seconds from the maintenance request until the registry served writes again: how long pushes were refused at most (it also counts the read-only pods' start, while pushes are still accepted).")
  private Long writeUnavailableSeconds;

  @JsonPropertyDescription(
      "Seconds from the window seen in effect (no writable registry pod left) until the registry served writes again: how long every push was refused, as the operator saw it.")
  private Long writesRefusedSeconds;

  @JsonPropertyDescription("Whether the run deleted nothing by design.")
  private Boolean dryRun;

  public String getRegistry() {
    return registry;
  }

  public void setRegistry(String registry) {
    this.registry = registry;
  }

  public String getRunRequest() {
    return runRequest;
  }

  public void setRunRequest(String runRequest) {
    this.runRequest = runRequest;
  }

  public String getId() {
    return id;
  }

  public void setId(String id) {
    this.id = id;
  }

  public GcRunTrigger getTrigger() {
    return trigger;
  }

  public void setTrigger(GcRunTrigger trigger) {
    this.trigger = trigger;
  }

  public GcRunResult getResult() {
    return result;
  }

  public void setResult(GcRunResult result) {
    this.result = result;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getStartTime() {
    return startTime;
  }

  public void setStartTime(String startTime) {
    this.startTime = startTime;
  }

  public String getFinishTime() {
    return finishTime;
  }

  public void setFinishTime(String finishTime) {
    this.finishTime = finishTime;
  }

  public String getReclaimed() {
    return reclaimed;
  }

  public void setReclaimed(String reclaimed) {
    this.reclaimed = reclaimed;
  }

  public Long getWritesRefusedSeconds() {
    return writesRefusedSeconds;
  }

  public void setWritesRefusedSeconds(Long writesRefusedSeconds) {
    this.writesRefusedSeconds = writesRefusedSeconds;
  }

  public Long getWriteUnavailableSeconds() {
    return writeUnavailableSeconds;
  }

  public void setWriteUnavailableSeconds(Long writeUnavailableSeconds) {
    this.writeUnavailableSeconds = writeUnavailableSeconds;
  }

  public Boolean getDryRun() {
    return dryRun;
  }

  public void setDryRun(Boolean dryRun) {
    this.dryRun = dryRun;
  }

  public MaintenanceMode getMode() {
    return mode;
  }

  public void setMode(MaintenanceMode mode) {
    this.mode = mode;
  }
}
