package dev.registryoperator.retention;

import dev.registryoperator.gcreport.retention.Protection;

/**
 * What the workloads of the cluster protect from retention, as {@link
 * dev.registryoperator.gcreport.retention.RetentionRequest} takes it.
 *
 * @param protection the references workloads use, with who uses them
 * @param workloadsChecked false when the operator was told not to look ({@link
 *     WorkloadImages#ENVIRONMENT_VARIABLE}): then nothing is protected, and the report must say so
 */
public record WorkloadCheck(Protection protection, boolean workloadsChecked) {
  /** Workloads not looked at: nothing protected. */
  public static final WorkloadCheck NOT_CHECKED = new WorkloadCheck(Protection.NONE, false);
}
