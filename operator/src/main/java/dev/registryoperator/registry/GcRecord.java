package dev.registryoperator.registry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.registryoperator.gcreport.GcCounters;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Optional;

/**
 * The last finished GC run, left by the GC flow in an annotation on the Registry when it releases
 * the maintenance lock. The Registry reconciler copies it into status and uses its time as a
 * restart token: pods are replaced after every GC, since their blob cache is stale. It carries the
 * run's figures ({@link GcCounters}); unknown keys are ignored.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class GcRecord extends GcCounters {
  public static final String ANNOTATION = "registry.operator.dev/last-gc";

  private String time;
  private String result;
  private String schedule;

  public GcRecord() {}

  /** {@code figures} null: none known (reclaimedBytes reads 0). */
  public GcRecord(String time, String result, GcCounters figures, String schedule) {
    this.time = time;
    this.result = result;
    this.schedule = schedule;
    copyCountersFrom(figures);
    if (getReclaimedBytes() == null) {
      setReclaimedBytes(0L);
    }
  }

  public static Optional<GcRecord> of(HasMetadata registry) {
    return AnnotationJson.read(registry, ANNOTATION, GcRecord.class);
  }

  public String toJson() {
    return AnnotationJson.write(this);
  }

  /** True when the run touched storage, so the pods must be replaced afterwards. */
  public boolean requiresRestart() {
    return !"Skipped".equals(result);
  }

  /** As shown in the Registry's status. */
  public LastGarbageCollection toStatus() {
    LastGarbageCollection last = new LastGarbageCollection();
    last.setTime(time);
    last.setResult(result);
    last.setSchedule(schedule);
    last.copyCountersFrom(this);
    return last;
  }

  public String getTime() {
    return time;
  }

  public void setTime(String time) {
    this.time = time;
  }

  public String getResult() {
    return result;
  }

  public void setResult(String result) {
    this.result = result;
  }

  public String getSchedule() {
    return schedule;
  }

  public void setSchedule(String schedule) {
    this.schedule = schedule;
  }
}
