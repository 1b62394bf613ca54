package dev.registryoperator.gc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.registryoperator.gcreport.GcCounters;

/**
 * How a run ends, decided before service is restored and kept until it is. The run's figures
 * ({@link GcCounters}) are the runner's, under the report's names.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GcRunOutcome extends GcCounters {
  @JsonPropertyDescription("Succeeded, Failed or Skipped.")
  private GcRunResult result;

  @JsonPropertyDescription("Why, as a CamelCase reason from a fixed set.")
  private String reason;

  @JsonPropertyDescription("What happened, in words.")
  private String message;

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
}
