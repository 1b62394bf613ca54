package dev.registryoperator.sandbox;

/**
 * Hooks around GC Job processes ({@link ProcessPodRuntime#addJobListener}), e.g. to snapshot the
 * storage right before and right after collection.
 */
public interface JobListener {
  /**
   * Right before the process starts; nothing else writes the storage now if the operator is right.
   */
  default void starting(ProcessRecord job) {}

  /** Right after the process exited, before the kubelet reports it. */
  default void exited(ProcessRecord job) {}
}
