package dev.registryoperator.gc;

/** Reasons of GcSchedule conditions, run results and events: a fixed set (docs/gc.md). */
public enum GcReason {
  // Ready
  Valid,
  InvalidSpec,
  RegistryNotFound,
  RegistryNotReady,
  // Running
  Idle,
  Suspended,
  RunInProgress,
  // Run results
  Collected,
  DryRunCompleted,
  BelowThreshold,
  RegistryBusy,
  PreviewFailed,
  PruningFailed,
  QuiesceTimeout,
  JobFailed,
  DeadlineExceeded,
  JobDeleted,
  Unschedulable,
  PreflightRefused,
  GarbageCollectFailed,
  IntegrityCheckFailed,
  ConfigurationError,
  ReportMissing,
  RegistryDeleted,
  RegistrySpecChanged,
  RegistryReplaced,
  LockLost,
  JobRejected,
  PodNotCreated,
  ScheduleDeleted,
  // Events only
  RunStarted,
  RetentionPlanned,
  TagsPruned,
  MaintenanceRequested,
  RegistryReadOnly,
  RegistryScaledDown,
  Restored,
  RestoreSlow,
  RunFailed,
  RunSkipped,
  RunRefused,
  ApiError,
  MissedSchedule
}
