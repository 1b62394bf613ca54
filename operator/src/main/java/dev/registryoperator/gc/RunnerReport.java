package dev.registryoperator.gc;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;

/**
 * The GC runner's report (registry-image/README.md), read from the Job pod's termination message.
 * Unknown keys are ignored so a newer runner stays readable. Pure.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunnerReport(
    Integer version,
    String result,
    Integer exitCode,
    String message,
    Boolean dryRun,
    Boolean deleteUntagged,
    String storageDriver,
    Boolean bytesMeasured,
    String registryVersion,
    Long blobsMarked,
    Long blobsEligible,
    Long manifestsEligible,
    Long eligibleBytes,
    Long blobsDeleted,
    Long manifestsDeleted,
    Long reclaimedBytes,
    Double durationSeconds,
    Integrity integrity) {

  /** Runner exit codes (the runner's CLI contract). */
  public static final int EXIT_OK = 0;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_GC_FAILED = 3;
  public static final int EXIT_REFUSED = 4;
  public static final int EXIT_INTEGRITY = 5;

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Integrity(Boolean checked, Long manifests, Long blobs, Long missing, List<String> missingDigests) {}

  /** The report in a termination message, or empty when the message is not one (a crash's log tail). */
  public static Optional<RunnerReport> parse(String terminationMessage) {
    if (terminationMessage == null || terminationMessage.isBlank()) {
      return Optional.empty();
    }
    String text = terminationMessage.trim();
    if (!text.startsWith("{")) {
      return Optional.empty();
    }
    try {
      RunnerReport report = JSON.readValue(text, RunnerReport.class);
      return report.version() == null ? Optional.empty() : Optional.of(report);
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  public long reclaimed() {
    return reclaimedBytes == null ? 0 : reclaimedBytes;
  }

  public long eligible() {
    return eligibleBytes == null ? 0 : eligibleBytes;
  }
}
