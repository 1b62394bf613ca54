package dev.registryoperator.gc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.registryoperator.registry.MaintenanceMode;
import java.util.Objects;

/**
 * How many finished runs of a GcSchedule ended one way (registry, mode, result, reason), and the
 * bytes they reclaimed: the counters the operator's metrics read, kept in status so they survive a
 * restart of the operator and a change of leader.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GcRunTotal {
  @JsonPropertyDescription("The Registry the runs collected.")
  private String registry;

  @JsonPropertyDescription("ReadOnly or ScaleToZero.")
  private MaintenanceMode mode;

  @JsonPropertyDescription("Succeeded, Failed or Skipped.")
  private GcRunResult result;

  @JsonPropertyDescription("Why, as in the runs' records.")
  private String reason;

  @JsonPropertyDescription("Runs that ended this way.")
  private Long runs;

  @JsonPropertyDescription("Bytes these runs reclaimed.")
  private Long reclaimedBytes;

  @JsonPropertyDescription("Tags these runs' retention rules deleted.")
  private Long tagsDeleted;

  @JsonPropertyDescription(
      "Tags these runs' retention rules would have deleted but kept for a workload.")
  private Long tagsProtected;

  public GcRunTotal() {}

  GcRunTotal(String registry, MaintenanceMode mode, GcRunResult result, String reason) {
    this.registry = registry;
    this.mode = mode;
    this.result = result;
    this.reason = reason;
    this.runs = 0L;
    this.reclaimedBytes = 0L;
  }

  /** True when {@code run} ended the way this total counts. */
  boolean counts(GcRunRecord run) {
    return Objects.equals(registry, run.getRegistry())
        && mode == run.getMode()
        && result == run.getResult()
        && Objects.equals(reason, run.getReason());
  }

  void add(GcRunRecord run) {
    runs = (runs == null ? 0 : runs) + 1;
    long bytes = run.getReclaimedBytes() == null ? 0 : run.getReclaimedBytes();
    reclaimedBytes = (reclaimedBytes == null ? 0 : reclaimedBytes) + bytes;
    if (run.getDryRun() == null || !run.getDryRun()) {
      tagsDeleted = plus(tagsDeleted, run.getTagsDeleted());
    }
    tagsProtected = plus(tagsProtected, run.getTagsProtected());
  }

  private static long plus(Long total, Long more) {
    return (total == null ? 0 : total) + (more == null ? 0 : more);
  }

  public Long getTagsDeleted() {
    return tagsDeleted;
  }

  public void setTagsDeleted(Long tagsDeleted) {
    this.tagsDeleted = tagsDeleted;
  }

  public Long getTagsProtected() {
    return tagsProtected;
  }

  public void setTagsProtected(Long tagsProtected) {
    this.tagsProtected = tagsProtected;
  }

  public String getRegistry() {
    return registry;
  }

  public void setRegistry(String registry) {
    this.registry = registry;
  }

  public MaintenanceMode getMode() {
    return mode;
  }

  public void setMode(MaintenanceMode mode) {
    this.mode = mode;
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

  public Long getRuns() {
    return runs;
  }

  public void setRuns(Long runs) {
    this.runs = runs;
  }

  public Long getReclaimedBytes() {
    return reclaimedBytes;
  }

  public void setReclaimedBytes(Long reclaimedBytes) {
    this.reclaimedBytes = reclaimedBytes;
  }
}
