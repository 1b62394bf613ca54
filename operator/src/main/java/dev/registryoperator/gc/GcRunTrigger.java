package dev.registryoperator.gc;

/** What started a run. */
public enum GcRunTrigger {
  Schedule,
  Manual
}
