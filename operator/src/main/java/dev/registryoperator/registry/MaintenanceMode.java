package dev.registryoperator.registry;

/** How a registry is made safe for garbage collection. */
public enum MaintenanceMode {
  /** Roll the pods to a read-only configuration: pulls keep working, pushes get HTTP 405. */
  ReadOnly,
  /** Scale the registry to zero pods: nothing is served while GC runs. */
  ScaleToZero
}
