package dev.registryoperator.gc;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.registryoperator.common.LenientSpec;
import dev.registryoperator.gcreport.retention.RetentionRule;
import dev.registryoperator.registry.MaintenanceMode;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** What the user asks for. The operator never writes it. */
public class GcScheduleSpec extends LenientSpec {
  /**
   * A GC Job whose pod is not created within this time fails the run (a quota, a LimitRange, a
   * webhook).
   */
  public static final long DEFAULT_POD_START_TIMEOUT_SECONDS = 120;

  /**
   * A Go-style duration longer than zero: hours, minutes, seconds in that order, each at most 9
   * digits without leading zeros ("" and "0s" are refused). RE2 has no look-ahead, so "longer than
   * zero" is spelled out by which unit is the first that is not zero. Durations.parse uses the same
   * pattern; DurationsTest checks that the CRD and the code agree.
   */
  public static final String DURATION_PATTERN =
      "^([1-9][0-9]{0,8}h((0|[1-9][0-9]{0,8})m)?((0|[1-9][0-9]{0,8})s)?"
          + "|(0h)?[1-9][0-9]{0,8}m((0|[1-9][0-9]{0,8})s)?"
          + "|(0h)?(0m)?[1-9][0-9]{0,8}s)$";

  @Required
  @JsonPropertyDescription("The Registry to collect, in the same namespace.")
  private RegistryRef registryRef;

  @JsonPropertyDescription(
      "When runs are due. Without it, runs happen only on request (annotation registry.operator.dev/run-requested-at).")
  private Schedule schedule;

  @Default("ReadOnly")
  @JsonPropertyDescription(
      "How the registry is made safe while GC runs: ReadOnly (pulls keep working, pushes get HTTP 405) or ScaleToZero (no registry pod runs).")
  private MaintenanceMode mode;

  @Default("false")
  @JsonPropertyDescription(
      "Also delete manifests that no tag references. Refused when the registry binary is older than 3.0 and a tagged multi-arch image would lose its children.")
  private Boolean deleteUntagged;

  @Default("false")
  @JsonPropertyDescription(
      "With deleteUntagged, also delete untagged OCI 1.1 referrers (signatures, SBOMs, attestations pushed without a tag) of images that stay. Off: such a run is refused (reason PreflightRefused), naming them, because distribution's GC does not follow a referrer's subject. Ignored without deleteUntagged.")
  private Boolean deleteUntaggedReferrers;

  @Default("false")
  @JsonPropertyDescription(
      "After a real run that succeeded, remove the folders of repositories left with no tag, no manifest and no upload in progress, so that the registry's catalog (/v2/_catalog) no longer lists them. Filesystem and S3 storage.")
  private Boolean pruneEmptyRepositories;

  @JsonPropertyDescription(
      "Retention rules: before collecting, each run deletes the tags these rules do not keep (and the manifests only those tags held), inside the maintenance window, and never an image a workload in the cluster runs. A tag is deleted when some rule selects it and no rule that selects it keeps it; tags no rule selects stay, and so does latest unless a rule's tagPattern names it. With dryRun, a run only reports which tags would go and why others stay. See docs/retention.md.")
  private List<RetentionRule> retention;

  @Default("false")
  @JsonPropertyDescription(
      "Only report what a run would free: no maintenance window, nothing deleted.")
  private Boolean dryRun;

  @Min(0)
  @JsonPropertyDescription(
      "Run a dry-run preview first, with the registry writable; when it finds fewer reclaimable bytes than this, the run ends as Skipped and no maintenance window happens.")
  private Long minReclaimableBytes;

  @Default("1h")
  @Pattern(DURATION_PATTERN)
  @JsonPropertyDescription(
      "Deadline of the GC Job (for example 30m or 1h30m). Past it the Job is stopped and service restored; the run fails.")
  private String maxDuration;

  @Default("10m")
  @Pattern(DURATION_PATTERN)
  @JsonPropertyDescription(
      "How long to wait for the registry to become read-only or reach zero pods (and for another run's maintenance lock) before the run fails and service is restored.")
  private String quiesceTimeout;

  @Default("5")
  @Min(1)
  @Max(50)
  @JsonPropertyDescription("How many finished runs status.history keeps.")
  private Integer historyLimit;

  @JsonPropertyDescription("Overrides for the GC Job's pod.")
  private JobOverrides job;

  public RegistryRef getRegistryRef() {
    return registryRef;
  }

  public void setRegistryRef(RegistryRef registryRef) {
    this.registryRef = registryRef;
  }

  public Schedule getSchedule() {
    return schedule;
  }

  public void setSchedule(Schedule schedule) {
    this.schedule = schedule;
  }

  public MaintenanceMode getMode() {
    return mode;
  }

  public void setMode(MaintenanceMode mode) {
    this.mode = mode;
  }

  public List<RetentionRule> getRetention() {
    return retention;
  }

  public void setRetention(List<RetentionRule> retention) {
    this.retention = retention;
  }

  /** The retention rules, none when absent. */
  public List<RetentionRule> effectiveRetention() {
    return retention == null ? List.of() : retention;
  }

  public Boolean getDeleteUntaggedReferrers() {
    return deleteUntaggedReferrers;
  }

  public void setDeleteUntaggedReferrers(Boolean deleteUntaggedReferrers) {
    this.deleteUntaggedReferrers = deleteUntaggedReferrers;
  }

  public Boolean getPruneEmptyRepositories() {
    return pruneEmptyRepositories;
  }

  public void setPruneEmptyRepositories(Boolean pruneEmptyRepositories) {
    this.pruneEmptyRepositories = pruneEmptyRepositories;
  }

  public Boolean getDeleteUntagged() {
    return deleteUntagged;
  }

  public void setDeleteUntagged(Boolean deleteUntagged) {
    this.deleteUntagged = deleteUntagged;
  }

  public Boolean getDryRun() {
    return dryRun;
  }

  public void setDryRun(Boolean dryRun) {
    this.dryRun = dryRun;
  }

  public Long getMinReclaimableBytes() {
    return minReclaimableBytes;
  }

  public void setMinReclaimableBytes(Long minReclaimableBytes) {
    this.minReclaimableBytes = minReclaimableBytes;
  }

  public String getMaxDuration() {
    return maxDuration;
  }

  public void setMaxDuration(String maxDuration) {
    this.maxDuration = maxDuration;
  }

  public String getQuiesceTimeout() {
    return quiesceTimeout;
  }

  public void setQuiesceTimeout(String quiesceTimeout) {
    this.quiesceTimeout = quiesceTimeout;
  }

  public Integer getHistoryLimit() {
    return historyLimit;
  }

  public void setHistoryLimit(Integer historyLimit) {
    this.historyLimit = historyLimit;
  }

  public JobOverrides getJob() {
    return job;
  }

  public void setJob(JobOverrides job) {
    this.job = job;
  }

  // Defaults applied in code too: the mock API server applies no CRD defaults.

  public MaintenanceMode effectiveMode() {
    return mode == null ? MaintenanceMode.ReadOnly : mode;
  }

  public boolean effectiveDeleteUntagged() {
    return deleteUntagged != null && deleteUntagged;
  }

  public boolean effectiveDeleteUntaggedReferrers() {
    return effectiveDeleteUntagged() && Boolean.TRUE.equals(deleteUntaggedReferrers);
  }

  public boolean effectivePruneEmptyRepositories() {
    return Boolean.TRUE.equals(pruneEmptyRepositories);
  }

  public boolean effectiveDryRun() {
    return dryRun != null && dryRun;
  }

  public int effectiveHistoryLimit() {
    return historyLimit == null ? 5 : historyLimit;
  }

  public String effectiveMaxDuration() {
    return maxDuration == null ? "1h" : maxDuration;
  }

  public String effectivePodStartTimeout() {
    return job == null || job.getPodStartTimeout() == null ? "2m" : job.getPodStartTimeout();
  }

  public String effectiveQuiesceTimeout() {
    return quiesceTimeout == null ? "10m" : quiesceTimeout;
  }

  /** The Registry to collect. */
  public static class RegistryRef {
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    @JsonPropertyDescription("Name of a Registry in the same namespace.")
    private String name;

    public RegistryRef() {}

    // Not a creator for JSON: a bare string where the schema wants an object is a problem to
    // report.
    @JsonCreator(mode = JsonCreator.Mode.DISABLED)
    public RegistryRef(String name) {
      this.name = name;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }
  }

  /** When runs are due. */
  public static class Schedule {
    @Required
    @JsonPropertyDescription(
        "Five-field cron expression (minute hour day-of-month month day-of-week) or @hourly, @daily, @weekly, @monthly.")
    private String cron;

    @Default("UTC")
    @JsonPropertyDescription(
        "IANA time zone the cron expression is read in, for example Europe/Berlin.")
    private String timeZone;

    @Default("false")
    @JsonPropertyDescription("Stop scheduled runs. Requested runs still happen.")
    private Boolean suspend;

    @Min(0)
    @JsonPropertyDescription(
        "A run missed (for example while the operator was down) still starts if no more than this many seconds late. Without it, a missed run always starts once.")
    private Long startingDeadlineSeconds;

    public String getCron() {
      return cron;
    }

    public void setCron(String cron) {
      this.cron = cron;
    }

    public String getTimeZone() {
      return timeZone;
    }

    public void setTimeZone(String timeZone) {
      this.timeZone = timeZone;
    }

    public Boolean getSuspend() {
      return suspend;
    }

    public void setSuspend(Boolean suspend) {
      this.suspend = suspend;
    }

    public Long getStartingDeadlineSeconds() {
      return startingDeadlineSeconds;
    }

    public void setStartingDeadlineSeconds(Long startingDeadlineSeconds) {
      this.startingDeadlineSeconds = startingDeadlineSeconds;
    }
  }

  /** Overrides for the GC Job's pod. */
  public static class JobOverrides {
    @JsonPropertyDescription("CPU and memory of the GC container.")
    private ResourceRequirements resources;

    @JsonPropertyDescription("Node labels the GC pod must match.")
    private Map<String, String> nodeSelector;

    @JsonPropertyDescription("Tolerations of the GC pod.")
    private List<Toleration> tolerations;

    @Default("2m")
    @Pattern(DURATION_PATTERN)
    @JsonPropertyDescription(
        "How long the GC Job may go without a pod (refused by a ResourceQuota, a LimitRange or an admission webhook) before the run fails with the Job's FailedCreate message and service is restored.")
    private String podStartTimeout;

    public String getPodStartTimeout() {
      return podStartTimeout;
    }

    public void setPodStartTimeout(String podStartTimeout) {
      this.podStartTimeout = podStartTimeout;
    }

    public ResourceRequirements getResources() {
      return resources;
    }

    public void setResources(ResourceRequirements resources) {
      this.resources = resources;
    }

    public Map<String, String> getNodeSelector() {
      return nodeSelector;
    }

    public void setNodeSelector(Map<String, String> nodeSelector) {
      this.nodeSelector = nodeSelector;
    }

    public List<Toleration> getTolerations() {
      return tolerations;
    }

    public void setTolerations(List<Toleration> tolerations) {
      this.tolerations = tolerations;
    }
  }
}
