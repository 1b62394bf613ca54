package dev.registryoperator.registry;

/** Reasons of the Registry's conditions and events: a fixed set, documented in docs/registry.md. */
public enum RegistryReason {
  // Ready=True
  Available,
  AvailableReadOnly,
  // Ready=False, bad input
  InvalidSpec,
  OwnedConfigKey,
  SecretMissing,
  SecretInvalid,
  // Ready=False, runtime state
  RollingOut,
  Stopped,
  ScaledToZeroForMaintenance,
  // Progressing
  RolloutComplete,
  // Maintenance
  NoMaintenance,
  MaintenancePending,
  MaintenanceInEffect,
  StaleMaintenanceReleased,
  MaintenanceLockUnreadable,
  /** A live GC collect pod keeps the registry in maintenance although no lock is held. */
  GcPodRunning,
  // StorageResizeFailure (and its Warning event)
  StorageResizeRejected,
}
