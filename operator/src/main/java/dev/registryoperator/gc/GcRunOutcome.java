package dev.registryoperator.gc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How a run ends, decided before service is restored and kept until it is. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GcRunOutcome {
  @JsonPropertyDescription("Succeeded, Failed or Skipped.")
  private GcRunResult result;

  @JsonPropertyDescription("Why, as a CamelCase reason from a fixed set.")
  private String reason;

  @JsonPropertyDescription("What happened, in words.")
  private String message;

  @JsonPropertyDescription("Bytes of blob data removed from storage.")
  private Long reclaimedBytes;

  @JsonPropertyDescription("Bytes of blob data eligible for deletion (for a dry run, what a real run would free).")
  private Long eligibleBytes;

  @JsonPropertyDescription("Blobs deleted.")
  private Long blobsDeleted;

  @JsonPropertyDescription("Manifests deleted.")
  private Long manifestsDeleted;

  public GcRunOutcome() {}

  public GcRunOutcome(GcRunResult result, String reason, String message) {
    this.result = result;
    this.reason = reason;
    this.message = message;
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

  public Long getReclaimedBytes() {
    return reclaimedBytes;
  }

  public void setReclaimedBytes(Long reclaimedBytes) {
    this.reclaimedBytes = reclaimedBytes;
  }

  public Long getEligibleBytes() {
    return eligibleBytes;
  }

  public void setEligibleBytes(Long eligibleBytes) {
    this.eligibleBytes = eligibleBytes;
  }

  public Long getBlobsDeleted() {
    return blobsDeleted;
  }

  public void setBlobsDeleted(Long blobsDeleted) {
    this.blobsDeleted = blobsDeleted;
  }

  public Long getManifestsDeleted() {
    return manifestsDeleted;
  }

  public void setManifestsDeleted(Long manifestsDeleted) {
    this.manifestsDeleted = manifestsDeleted;
  }
}
