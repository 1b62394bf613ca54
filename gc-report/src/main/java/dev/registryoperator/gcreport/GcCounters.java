package dev.registryoperator.gcreport;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The figures of one GC run, as the runner measured them. The one place a figure is declared: the
 * runner's report writes and reads them (top-level keys of the JSON), and the operator's status
 * types that show a run's result extend this class, so every figure appears under the same name in
 * the report, in a GcSchedule's {@code currentRun.outcome}, {@code lastRun} and {@code history},
 * and in a Registry's {@code lastGarbageCollection}. A null is a figure not known (an older
 * status).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GcCounters {
  @JsonPropertyDescription(
      "Whether byte figures were measured: true on filesystem and S3 storage; false on other"
          + " drivers (gcs, azure), where the bytes read 0 because they were not measured.")
  private Boolean bytesMeasured;

  @JsonPropertyDescription("Blobs the preflight marked as in use (referenced), kept by the run.")
  private Long blobsMarked;

  @JsonPropertyDescription("Blobs the preflight found eligible for deletion.")
  private Long blobsEligible;

  @JsonPropertyDescription("Manifests eligible for deletion (only with deleteUntagged).")
  private Long manifestsEligible;

  @JsonPropertyDescription(
      "Bytes of blob data eligible for deletion (for a dry run, what a real run would free).")
  private Long eligibleBytes;

  @JsonPropertyDescription("Blobs deleted.")
  private Long blobsDeleted;

  @JsonPropertyDescription("Manifests deleted.")
  private Long manifestsDeleted;

  @JsonPropertyDescription("Bytes of blob data removed from storage.")
  private Long reclaimedBytes;

  @JsonPropertyDescription(
      "Repositories left with no tag and no manifest whose folders were removed (only with"
          + " pruneEmptyRepositories), so that the registry's catalog no longer lists them.")
  private Long repositoriesPruned;

  @JsonPropertyDescription(
      "Tags deleted by the schedule's retention rules (for a dry run: that a real run would delete).")
  private Long tagsDeleted;

  @JsonPropertyDescription(
      "Manifests deleted with those tags (for a dry run: that a real run would delete).")
  private Long retentionManifestsDeleted;

  @JsonPropertyDescription(
      "Bytes of blob data that deleting those manifests frees: blobs no remaining manifest uses (GC then removes them; reclaimedBytes counts them).")
  private Long retentionBytes;

  @JsonPropertyDescription(
      "Tags the retention rules would delete but kept because a workload in the cluster uses the image.")
  private Long tagsProtected;

  /** All figures zero, bytes not measured: a report before anything was counted. */
  public static GcCounters zero() {
    GcCounters zero = new GcCounters();
    zero.bytesMeasured = false;
    zero.blobsMarked = 0L;
    zero.blobsEligible = 0L;
    zero.manifestsEligible = 0L;
    zero.eligibleBytes = 0L;
    zero.blobsDeleted = 0L;
    zero.manifestsDeleted = 0L;
    zero.reclaimedBytes = 0L;
    zero.repositoriesPruned = 0L;
    zero.tagsDeleted = 0L;
    zero.retentionManifestsDeleted = 0L;
    zero.retentionBytes = 0L;
    zero.tagsProtected = 0L;
    return zero;
  }

  /** Writes every figure as a field of the report's JSON object (a null as 0 or false). */
  void writeFields(JsonGenerator g) throws IOException {
    g.writeNumberField("blobsMarked", orZero(blobsMarked));
    g.writeBooleanField("bytesMeasured", Boolean.TRUE.equals(bytesMeasured));
    g.writeNumberField("blobsEligible", orZero(blobsEligible));
    g.writeNumberField("manifestsEligible", orZero(manifestsEligible));
    g.writeNumberField("eligibleBytes", orZero(eligibleBytes));
    g.writeNumberField("blobsDeleted", orZero(blobsDeleted));
    g.writeNumberField("manifestsDeleted", orZero(manifestsDeleted));
    g.writeNumberField("reclaimedBytes", orZero(reclaimedBytes));
    g.writeNumberField("repositoriesPruned", orZero(repositoriesPruned));
    g.writeNumberField("tagsDeleted", orZero(tagsDeleted));
    g.writeNumberField("retentionManifestsDeleted", orZero(retentionManifestsDeleted));
    g.writeNumberField("retentionBytes", orZero(retentionBytes));
    g.writeNumberField("tagsProtected", orZero(tagsProtected));
  }

  /**
   * Reads the report's field {@code name} when it is a figure, the parser on its value; false when
   * it is not one.
   */
  boolean readField(String name, JsonParser p) throws IOException {
    switch (name) {
      case "bytesMeasured" -> bytesMeasured = p.currentToken() == JsonToken.VALUE_TRUE;
      case "blobsMarked" -> blobsMarked = number(p);
      case "blobsEligible" -> blobsEligible = number(p);
      case "manifestsEligible" -> manifestsEligible = number(p);
      case "eligibleBytes" -> eligibleBytes = number(p);
      case "blobsDeleted" -> blobsDeleted = number(p);
      case "manifestsDeleted" -> manifestsDeleted = number(p);
      case "reclaimedBytes" -> reclaimedBytes = number(p);
      case "repositoriesPruned" -> repositoriesPruned = number(p);
      case "tagsDeleted" -> tagsDeleted = number(p);
      case "retentionManifestsDeleted" -> retentionManifestsDeleted = number(p);
      case "retentionBytes" -> retentionBytes = number(p);
      case "tagsProtected" -> tagsProtected = number(p);
      default -> {
        return false;
      }
    }
    return true;
  }

  static Long number(JsonParser p) throws IOException {
    return p.currentToken().isNumeric() ? p.getValueAsLong() : null;
  }

  /** Copies every figure of {@code other} (null: none) into this one. */
  public void copyCountersFrom(GcCounters other) {
    if (other == null) {
      return;
    }
    bytesMeasured = other.bytesMeasured;
    blobsMarked = other.blobsMarked;
    blobsEligible = other.blobsEligible;
    manifestsEligible = other.manifestsEligible;
    eligibleBytes = other.eligibleBytes;
    blobsDeleted = other.blobsDeleted;
    manifestsDeleted = other.manifestsDeleted;
    reclaimedBytes = other.reclaimedBytes;
    repositoriesPruned = other.repositoriesPruned;
    tagsDeleted = other.tagsDeleted;
    retentionManifestsDeleted = other.retentionManifestsDeleted;
    retentionBytes = other.retentionBytes;
    tagsProtected = other.tagsProtected;
  }

  /** True unless the runner said it did not measure bytes (an unknown counts as measured). */
  public boolean bytesKnown() {
    return !Boolean.FALSE.equals(bytesMeasured);
  }

  static long orZero(Long value) {
    return value == null ? 0 : value;
  }

  public Boolean getBytesMeasured() {
    return bytesMeasured;
  }

  public void setBytesMeasured(Boolean bytesMeasured) {
    this.bytesMeasured = bytesMeasured;
  }

  public Long getBlobsMarked() {
    return blobsMarked;
  }

  public void setBlobsMarked(Long blobsMarked) {
    this.blobsMarked = blobsMarked;
  }

  public Long getBlobsEligible() {
    return blobsEligible;
  }

  public void setBlobsEligible(Long blobsEligible) {
    this.blobsEligible = blobsEligible;
  }

  public Long getManifestsEligible() {
    return manifestsEligible;
  }

  public void setManifestsEligible(Long manifestsEligible) {
    this.manifestsEligible = manifestsEligible;
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

  public Long getReclaimedBytes() {
    return reclaimedBytes;
  }

  public void setReclaimedBytes(Long reclaimedBytes) {
    this.reclaimedBytes = reclaimedBytes;
  }

  public Long getRepositoriesPruned() {
    return repositoriesPruned;
  }

  public void setRepositoriesPruned(Long repositoriesPruned) {
    this.repositoriesPruned = repositoriesPruned;
  }

  public Long getTagsDeleted() {
    return tagsDeleted;
  }

  public void setTagsDeleted(Long tagsDeleted) {
    this.tagsDeleted = tagsDeleted;
  }

  public Long getRetentionManifestsDeleted() {
    return retentionManifestsDeleted;
  }

  public void setRetentionManifestsDeleted(Long retentionManifestsDeleted) {
    this.retentionManifestsDeleted = retentionManifestsDeleted;
  }

  public Long getRetentionBytes() {
    return retentionBytes;
  }

  public void setRetentionBytes(Long retentionBytes) {
    this.retentionBytes = retentionBytes;
  }

  public Long getTagsProtected() {
    return tagsProtected;
  }

  public void setTagsProtected(Long tagsProtected) {
    this.tagsProtected = tagsProtected;
  }
}
