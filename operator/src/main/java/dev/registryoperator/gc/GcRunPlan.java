package dev.registryoperator.gc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.registryoperator.gcreport.retention.RetentionRule;
import dev.registryoperator.registry.MaintenanceMode;
import dev.registryoperator.registry.Registry;
import java.time.Duration;
import java.util.List;

/**
 * Every spec value a run uses, taken once when the run starts and kept in status.currentRun: an
 * edit of the GcSchedule in the middle of a run (dryRun flipped, registryRef changed, a duration
 * made invalid) never changes what the run does, which Registry it holds, or whether it can
 * restore. The state machine and the Job builder read this, never the live spec.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GcRunPlan {
  @JsonPropertyDescription(
      "The Registry this run collects (spec.registryRef.name when the run started).")
  private String registry;

  @JsonPropertyDescription(
      "metadata.uid of that Registry when the run started: a Registry re-created with the same name is another one.")
  private String registryUid;

  @JsonPropertyDescription("ReadOnly or ScaleToZero.")
  private MaintenanceMode mode;

  @JsonPropertyDescription("Whether the run deletes nothing.")
  private Boolean dryRun;

  @JsonPropertyDescription("Whether the GC also deletes untagged manifests.")
  private Boolean deleteUntagged;

  @JsonPropertyDescription(
      "Whether it also deletes untagged referrers (signatures, SBOMs) of images that stay.")
  private Boolean deleteUntaggedReferrers;

  @JsonPropertyDescription("Whether it prunes repositories left empty.")
  private Boolean pruneEmptyRepositories;

  @JsonPropertyDescription("spec.retention when the run started; absent: none.")
  private List<RetentionRule> retention;

  @JsonPropertyDescription("The preview's threshold; absent: no preview.")
  private Long minReclaimableBytes;

  @JsonPropertyDescription("spec.maxDuration, in seconds.")
  private Long maxDurationSeconds;

  @JsonPropertyDescription("spec.quiesceTimeout, in seconds.")
  private Long quiesceTimeoutSeconds;

  @JsonPropertyDescription("spec.job.podStartTimeout, in seconds.")
  private Long podStartTimeoutSeconds;

  /** The plan of a run starting now. {@code spec} must be valid. */
  public static GcRunPlan of(GcScheduleSpec spec, Registry registry) {
    GcRunPlan plan = new GcRunPlan();
    plan.registry = registry.getMetadata().getName();
    plan.registryUid = registry.getMetadata().getUid();
    plan.mode = spec.effectiveMode();
    plan.dryRun = spec.effectiveDryRun();
    plan.deleteUntagged = spec.effectiveDeleteUntagged();
    plan.deleteUntaggedReferrers = spec.effectiveDeleteUntaggedReferrers();
    plan.pruneEmptyRepositories = spec.effectivePruneEmptyRepositories();
    plan.retention = spec.getRetention() == null ? null : List.copyOf(spec.getRetention());
    plan.minReclaimableBytes = spec.getMinReclaimableBytes();
    plan.maxDurationSeconds =
        Durations.parse("spec.maxDuration", spec.effectiveMaxDuration()).toSeconds();
    plan.quiesceTimeoutSeconds =
        Durations.parse("spec.quiesceTimeout", spec.effectiveQuiesceTimeout()).toSeconds();
    plan.podStartTimeoutSeconds =
        Durations.parse("spec.job.podStartTimeout", spec.effectivePodStartTimeout()).toSeconds();
    return plan;
  }

  /**
   * A plan for a run that has none (started by an operator version that kept none): from the spec
   * as it is now, never failing. Values that cannot be read take their defaults, so the run can
   * always end and restore.
   */
  public static GcRunPlan recover(GcScheduleSpec spec, Registry registry) {
    GcScheduleSpec s = spec == null ? new GcScheduleSpec() : spec;
    GcRunPlan plan = new GcRunPlan();
    plan.registry =
        registry != null
            ? registry.getMetadata().getName()
            : s.getRegistryRef() == null ? null : s.getRegistryRef().getName();
    plan.registryUid = registry == null ? null : registry.getMetadata().getUid();
    plan.mode = s.effectiveMode();
    plan.dryRun = s.effectiveDryRun();
    plan.deleteUntagged = s.effectiveDeleteUntagged();
    plan.deleteUntaggedReferrers = s.effectiveDeleteUntaggedReferrers();
    plan.pruneEmptyRepositories = s.effectivePruneEmptyRepositories();
    plan.minReclaimableBytes = s.getMinReclaimableBytes();
    plan.maxDurationSeconds = secondsOr("spec.maxDuration", s.getMaxDuration(), 3600);
    plan.quiesceTimeoutSeconds = secondsOr("spec.quiesceTimeout", s.getQuiesceTimeout(), 600);
    plan.podStartTimeoutSeconds =
        secondsOr(
            "spec.job.podStartTimeout",
            s.getJob() == null ? null : s.getJob().getPodStartTimeout(),
            GcScheduleSpec.DEFAULT_POD_START_TIMEOUT_SECONDS);
    return plan;
  }

  private static long secondsOr(String field, String value, long fallback) {
    try {
      return value == null ? fallback : Durations.parse(field, value).toSeconds();
    } catch (IllegalArgumentException e) {
      return fallback;
    }
  }

  public Duration maxDuration() {
    return Duration.ofSeconds(maxDurationSeconds);
  }

  public Duration quiesceTimeout() {
    return Duration.ofSeconds(quiesceTimeoutSeconds);
  }

  public Duration podStartTimeout() {
    return Duration.ofSeconds(
        podStartTimeoutSeconds == null
            ? GcScheduleSpec.DEFAULT_POD_START_TIMEOUT_SECONDS
            : podStartTimeoutSeconds);
  }

  public boolean dryRunOnly() {
    return Boolean.TRUE.equals(dryRun);
  }

  public boolean deletesUntagged() {
    return Boolean.TRUE.equals(deleteUntagged);
  }

  /** Only with {@link #deletesUntagged()}. */
  public boolean deletesUntaggedReferrers() {
    return deletesUntagged() && Boolean.TRUE.equals(deleteUntaggedReferrers);
  }

  public boolean prunesEmptyRepositories() {
    return Boolean.TRUE.equals(pruneEmptyRepositories);
  }

  public Boolean getDeleteUntaggedReferrers() {
    return deleteUntaggedReferrers;
  }

  public void setDeleteUntaggedReferrers(Boolean deleteUntaggedReferrers) {
    this.deleteUntaggedReferrers = deleteUntaggedReferrers;
  }

  /** Whether the run applies retention rules (a Pruning step first, then in the collect Job). */
  public boolean retains() {
    return retention != null && !retention.isEmpty();
  }

  public List<RetentionRule> getRetention() {
    return retention;
  }

  public void setRetention(List<RetentionRule> retention) {
    this.retention = retention;
  }

  public Boolean getPruneEmptyRepositories() {
    return pruneEmptyRepositories;
  }

  public void setPruneEmptyRepositories(Boolean pruneEmptyRepositories) {
    this.pruneEmptyRepositories = pruneEmptyRepositories;
  }

  public String getRegistry() {
    return registry;
  }

  public void setRegistry(String registry) {
    this.registry = registry;
  }

  public String getRegistryUid() {
    return registryUid;
  }

  public void setRegistryUid(String registryUid) {
    this.registryUid = registryUid;
  }

  public MaintenanceMode getMode() {
    return mode;
  }

  public void setMode(MaintenanceMode mode) {
    this.mode = mode;
  }

  public Boolean getDryRun() {
    return dryRun;
  }

  public void setDryRun(Boolean dryRun) {
    this.dryRun = dryRun;
  }

  public Boolean getDeleteUntagged() {
    return deleteUntagged;
  }

  public void setDeleteUntagged(Boolean deleteUntagged) {
    this.deleteUntagged = deleteUntagged;
  }

  public Long getMinReclaimableBytes() {
    return minReclaimableBytes;
  }

  public void setMinReclaimableBytes(Long minReclaimableBytes) {
    this.minReclaimableBytes = minReclaimableBytes;
  }

  public Long getMaxDurationSeconds() {
    return maxDurationSeconds;
  }

  public void setMaxDurationSeconds(Long maxDurationSeconds) {
    this.maxDurationSeconds = maxDurationSeconds;
  }

  public Long getQuiesceTimeoutSeconds() {
    return quiesceTimeoutSeconds;
  }

  public void setQuiesceTimeoutSeconds(Long quiesceTimeoutSeconds) {
    this.quiesceTimeoutSeconds = quiesceTimeoutSeconds;
  }

  public Long getPodStartTimeoutSeconds() {
    return podStartTimeoutSeconds;
  }

  public void setPodStartTimeoutSeconds(Long podStartTimeoutSeconds) {
    this.podStartTimeoutSeconds = podStartTimeoutSeconds;
  }
}
