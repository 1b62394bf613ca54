package dev.registryoperator.gc;

import dev.registryoperator.registry.Registry;
import dev.registryoperator.retention.WorkloadCheck;

/**
 * The images the cluster's workloads use from one Registry, which retention never deletes ({@link
 * dev.registryoperator.retention.WorkloadImages}). When the operator was told not to look at
 * workloads, nothing is protected and the check says so. A failure to list throws: then no Job that
 * applies retention is created.
 */
@FunctionalInterface
public interface WorkloadProtection {
  /** For an operator that does not look at workloads. */
  WorkloadProtection DISABLED = registry -> WorkloadCheck.NOT_CHECKED;

  WorkloadCheck check(Registry registry);
}
