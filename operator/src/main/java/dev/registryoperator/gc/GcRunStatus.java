package dev.registryoperator.gc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The run in progress. Everything a restarted operator needs to resume it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GcRunStatus {
  @JsonPropertyDescription(
      "Run id, unique within this GcSchedule; also the suffix of its Job names.")
  private String id;

  @JsonPropertyDescription("Schedule or Manual.")
  private GcRunTrigger trigger;

  @JsonPropertyDescription("For a requested run, the run-requested-at value that asked for it.")
  private String runRequest;

  @JsonPropertyDescription("Preview, Quiescing, Collecting or Restoring.")
  private GcRunStep step;

  @JsonPropertyDescription("When the current step began.")
  private String stepStartTime;

  @JsonPropertyDescription("When the run began.")
  private String startTime;

  @JsonPropertyDescription("The GC Job of this run (the preview Job during Preview).")
  private String jobName;

  @JsonPropertyDescription(
      "When the maintenance window was requested: from then on pushes may be refused.")
  private String writesStoppedTime;

  @JsonPropertyDescription(
      "When the operator saw the window in effect (no writable registry pod left) and started the GC Job.")
  private String writesRefusedTime;

  @JsonPropertyDescription(
      "metadata.generation of the Registry when the run took its lock; a change fails the run.")
  private Long registryGeneration;

  @JsonPropertyDescription(
      "Every spec value this run uses, taken when it started: an edit of the spec mid-run changes nothing of it.")
  private GcRunPlan plan;

  @JsonPropertyDescription(
      "Set once the end of the run is decided; the run finishes when service is restored.")
  private GcRunOutcome outcome;

  @JsonPropertyDescription("What the run waits for right now.")
  private String message;

  @JsonPropertyDescription(
      "When the maintenance lock was released and the registry asked to serve writes again.")
  private String restoreRequestedTime;

  @JsonPropertyDescription(
      "Whether a warning was emitted because restoring takes longer than expected.")
  private Boolean restoreWarned;

  @JsonPropertyDescription(
      "The retention plan of the Pruning step: what the collect Job would delete, and why other tags stay (it decides again inside the window).")
  private String retentionPlan;

  @JsonPropertyDescription(
      "Bytes the Pruning step's plan would free; a preview counts them toward minReclaimableBytes.")
  private Long retentionBytes;

  public String getRetentionPlan() {
    return retentionPlan;
  }

  public void setRetentionPlan(String retentionPlan) {
    this.retentionPlan = retentionPlan;
  }

  public Long getRetentionBytes() {
    return retentionBytes;
  }

  public void setRetentionBytes(Long retentionBytes) {
    this.retentionBytes = retentionBytes;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getRestoreRequestedTime() {
    return restoreRequestedTime;
  }

  public void setRestoreRequestedTime(String restoreRequestedTime) {
    this.restoreRequestedTime = restoreRequestedTime;
  }

  public Boolean getRestoreWarned() {
    return restoreWarned;
  }

  public void setRestoreWarned(Boolean restoreWarned) {
    this.restoreWarned = restoreWarned;
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

  public GcRunStep getStep() {
    return step;
  }

  public void setStep(GcRunStep step) {
    this.step = step;
  }

  public String getStepStartTime() {
    return stepStartTime;
  }

  public void setStepStartTime(String stepStartTime) {
    this.stepStartTime = stepStartTime;
  }

  public String getStartTime() {
    return startTime;
  }

  public void setStartTime(String startTime) {
    this.startTime = startTime;
  }

  public String getJobName() {
    return jobName;
  }

  public void setJobName(String jobName) {
    this.jobName = jobName;
  }

  public String getWritesStoppedTime() {
    return writesStoppedTime;
  }

  public void setWritesStoppedTime(String writesStoppedTime) {
    this.writesStoppedTime = writesStoppedTime;
  }

  public String getWritesRefusedTime() {
    return writesRefusedTime;
  }

  public void setWritesRefusedTime(String writesRefusedTime) {
    this.writesRefusedTime = writesRefusedTime;
  }

  public Long getRegistryGeneration() {
    return registryGeneration;
  }

  public void setRegistryGeneration(Long registryGeneration) {
    this.registryGeneration = registryGeneration;
  }

  public GcRunPlan getPlan() {
    return plan;
  }

  public void setPlan(GcRunPlan plan) {
    this.plan = plan;
  }

  public GcRunOutcome getOutcome() {
    return outcome;
  }

  public void setOutcome(GcRunOutcome outcome) {
    this.outcome = outcome;
  }
}
