package dev.registryoperator.gc;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.registryoperator.common.LenientJson;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A garbage-collection policy for one Registry: when to collect, how, and what it reclaimed. */
@JsonIgnoreProperties(
    ignoreUnknown = true) // one object this operator cannot fully read never stops it
@Group("registry.operator.dev")
@Version("v1alpha1")
@ShortNames("gcs")
@Categories("registry-operator")
// kubectl prints the columns in this order (the build keeps it, see PrinterColumnOrder): what it
// collects and when, as for a CronJob, then the last run and the next, and Age last.
@AdditionalPrinterColumn(
    name = "Registry",
    jsonPath = ".spec.registryRef.name",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Schedule",
    jsonPath = ".spec.schedule.cron",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Suspend",
    jsonPath = ".spec.schedule.suspend",
    type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(
    name = "Last Result",
    jsonPath = ".status.lastRun.result",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Reclaimed",
    jsonPath = ".status.lastRun.reclaimed",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Next Run",
    jsonPath = ".status.nextRunTime",
    // a string, not a date: kubectl shows a date as the time since it, "<invalid>" for the future
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
    value = "self.metadata.name.size() <= " + GcScheduleValidator.MAX_NAME_LENGTH,
    message =
        "metadata.name may have at most "
            + GcScheduleValidator.MAX_NAME_LENGTH
            + " characters: a GcSchedule's name labels its Jobs and pods")
@ValidationRule(
    value = "self.metadata.name.matches('" + GcScheduleValidator.NAME_PATTERN + "')",
    message =
        "metadata.name must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit)")
public class GcSchedule extends CustomResource<GcScheduleSpec, GcScheduleStatus>
    implements Namespaced {
  /** A new value of this annotation (an RFC 3339 time) requests one run now. */
  public static final String RUN_REQUESTED_AT = "registry.operator.dev/run-requested-at";

  @Override
  @JsonPropertyDescription(
      "When and how to collect one Registry: cron and time zone, mode, deleteUntagged, dry run, preview threshold, timeouts.")
  @JsonSerialize(using = LenientJson.AsWrittenSerializer.class)
  public GcScheduleSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription(
      "What the operator observed: conditions, next run, the current run's step, the last run and a bounded history of runs. Written only by the operator.")
  public GcScheduleStatus getStatus() {
    return super.getStatus();
  }

  /**
   * Read leniently: one object this operator cannot read never stops the operator (see
   * LenientJson).
   */
  @Override
  @JsonDeserialize(using = SpecReader.class)
  public void setSpec(GcScheduleSpec spec) {
    super.setSpec(spec);
  }

  @Override
  @JsonDeserialize(using = StatusReader.class)
  public void setStatus(GcScheduleStatus status) {
    super.setStatus(status);
  }

  /** Reads the spec leniently. */
  public static final class SpecReader extends LenientJson.SpecReader<GcScheduleSpec> {
    public SpecReader() {
      super(GcScheduleSpec.class);
    }
  }

  /** Reads the status leniently. */
  public static final class StatusReader extends LenientJson.StatusReader<GcScheduleStatus> {
    public StatusReader() {
      super(GcScheduleStatus.class);
    }
  }
}
