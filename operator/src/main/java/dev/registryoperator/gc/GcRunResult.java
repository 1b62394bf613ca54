package dev.registryoperator.gc;

/** How a run ended. */
public enum GcRunResult {
  Succeeded,
  Failed,
  Skipped
}
