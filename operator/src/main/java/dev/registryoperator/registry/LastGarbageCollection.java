package dev.registryoperator.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The last GC run that finished on a registry, as its GcSchedule reported it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LastGarbageCollection {
  @JsonPropertyDescription("When the run finished.")
  private String time;

  @JsonPropertyDescription("Succeeded, Failed or Skipped.")
  private String result;

  @JsonPropertyDescription("Bytes of blob data the run removed from storage.")
  private Long reclaimedBytes;

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

  public Long getReclaimedBytes() {
    return reclaimedBytes;
  }

  public void setReclaimedBytes(Long reclaimedBytes) {
    this.reclaimedBytes = reclaimedBytes;
  }

  public String getSchedule() {
    return schedule;
  }

  public void setSchedule(String schedule) {
    this.schedule = schedule;
  }
}
