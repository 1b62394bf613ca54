package dev.registryoperator.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.registryoperator.gcreport.GcCounters;

/**
 * The last GC run that finished on a registry, as its GcSchedule reported it. The run's figures
 * ({@link GcCounters}) are the runner's, under the report's names.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LastGarbageCollection extends GcCounters {
  @JsonPropertyDescription("When the run finished.")
  private String time;

  @JsonPropertyDescription("Succeeded, Failed or Skipped.")
  private String result;

  @JsonPropertyDescription("The GcSchedule that ran it.")
  private String schedule;

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
