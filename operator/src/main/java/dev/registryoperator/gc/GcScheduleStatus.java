package dev.registryoperator.gc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed and did. Written only by the GcSchedule reconciler. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GcScheduleStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Ready (spec valid and registry found) and Running conditions.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("When the next scheduled run is due.")
  private String nextRunTime;

  @JsonPropertyDescription(
      "The latest scheduled time that was handled (run, or missed past its deadline).")
  private String lastScheduleTime;

  @JsonPropertyDescription("The last value of the run-requested-at annotation that was handled.")
  private String lastHandledRunRequest;

  @JsonPropertyDescription("The run in progress.")
  private GcRunStatus currentRun;

  @JsonPropertyDescription("The last finished run.")
  private GcRunRecord lastRun;

  @JsonPropertyDescription("Finished runs, newest first, at most spec.historyLimit.")
  private List<GcRunRecord> history = new ArrayList<>();

  @JsonPropertyDescription("Bytes reclaimed by all runs of this GcSchedule.")
  private Long totalReclaimedBytes;

  @JsonPropertyDescription("Runs started so far; the next run's id derives from it.")
  private Long runCount;

  @JsonPropertyDescription(
      "Finished runs counted by registry, mode, result and reason, with the bytes they reclaimed: what the operator's metrics report, kept across restarts.")
  private List<GcRunTotal> totals;

  @JsonPropertyDescription("When the last run that collected (Succeeded, not a dry run) finished.")
  private String lastSuccessTime;

  @JsonPropertyDescription(
      "Runs that failed since the last one that succeeded; skipped runs leave it as it is.")
  private Long consecutiveFailures;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public String getNextRunTime() {
    return nextRunTime;
  }

  public void setNextRunTime(String nextRunTime) {
    this.nextRunTime = nextRunTime;
  }

  public String getLastScheduleTime() {
    return lastScheduleTime;
  }

  public void setLastScheduleTime(String lastScheduleTime) {
    this.lastScheduleTime = lastScheduleTime;
  }

  public String getLastHandledRunRequest() {
    return lastHandledRunRequest;
  }

  public void setLastHandledRunRequest(String lastHandledRunRequest) {
    this.lastHandledRunRequest = lastHandledRunRequest;
  }

  public GcRunStatus getCurrentRun() {
    return currentRun;
  }

  public void setCurrentRun(GcRunStatus currentRun) {
    this.currentRun = currentRun;
  }

  public GcRunRecord getLastRun() {
    return lastRun;
  }

  public void setLastRun(GcRunRecord lastRun) {
    this.lastRun = lastRun;
  }

  public List<GcRunRecord> getHistory() {
    return history;
  }

  public void setHistory(List<GcRunRecord> history) {
    this.history = history;
  }

  public Long getTotalReclaimedBytes() {
    return totalReclaimedBytes;
  }

  public void setTotalReclaimedBytes(Long totalReclaimedBytes) {
    this.totalReclaimedBytes = totalReclaimedBytes;
  }

  public Long getRunCount() {
    return runCount;
  }

  public void setRunCount(Long runCount) {
    this.runCount = runCount;
  }

  public List<GcRunTotal> getTotals() {
    return totals;
  }

  public void setTotals(List<GcRunTotal> totals) {
    this.totals = totals;
  }

  public String getLastSuccessTime() {
    return lastSuccessTime;
  }

  public void setLastSuccessTime(String lastSuccessTime) {
    this.lastSuccessTime = lastSuccessTime;
  }

  public Long getConsecutiveFailures() {
    return consecutiveFailures;
  }

  public void setConsecutiveFailures(Long consecutiveFailures) {
    this.consecutiveFailures = consecutiveFailures;
  }
}
