package dev.registryoperator.fakecluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Optional;

/**
 * What runs a pod's containers for the {@link FakeCluster} kubelet. The default, {@link
 * FakePodRuntime}, only keeps time; a sandbox can run real processes instead.
 *
 * <p>Threading: {@link #start} and {@link #stop} may block and are called on a worker thread, never
 * twice at once for the same pod. {@link #isReady} and {@link #poll} are called often on the
 * kubelet's single thread and must return at once.
 */
public interface PodRuntime extends AutoCloseable {

  /**
   * Starts the pod's containers. {@code owner} is the controlling Deployment or Job as last seen,
   * or null for a pod without one.
   */
  void start(Pod pod, HasMetadata owner) throws Exception;

  /** Whether the pod passes its readiness check now. */
  boolean isReady(Pod pod);

  /**
   * How the containers ended, if they exited on their own. Once this returns a value the runtime
   * has let go of the pod; {@link #stop} is not called for it.
   */
  Optional<Termination> poll(Pod pod);

  /**
   * Stops a started pod (SIGTERM, grace period, SIGKILL) and returns when it has stopped, with how
   * it ended.
   */
  Termination stop(Pod pod) throws Exception;

  /** Stops whatever is still running. */
  @Override
  default void close() {}

  /** How a pod's (first) container ended, as the kubelet reports it in {@code state.terminated}. */
  record Termination(int exitCode, String reason, String message) {
    /**
     * Reason the way the kubelet sets it: {@code Completed} for exit 0, {@code Error} otherwise.
     */
    public static Termination exited(int exitCode, String message) {
      return new Termination(exitCode, exitCode == 0 ? "Completed" : "Error", message);
    }
  }
}
