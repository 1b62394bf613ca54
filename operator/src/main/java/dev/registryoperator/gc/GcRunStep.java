package dev.registryoperator.gc;

/** The steps of one GC run, in order. Each is persisted in status before it acts. */
public enum GcRunStep {
  /**
   * With retention rules: a Job decides which tags would go and why others stay, while the registry
   * stays writable; a dry run ends here.
   */
  Pruning,
  /** A dry-run Job measures what a run would free, while the registry stays writable. */
  Preview,
  /** Holding the registry's maintenance lock, waiting until no writable registry pod exists. */
  Quiescing,
  /** The GC Job runs against the registry's storage. */
  Collecting,
  /** The lock is released; waiting until the Job's pods are gone and the registry serves again. */
  Restoring
}
