package dev.registryoperator;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election: only the holder of a Lease in {@code namespace} reconciles, so several operator
 * replicas can run for availability. A replica that loses the lease while it runs stops at once
 * ({@code onLeadershipLost}; by default the process halts and its pod is restarted): two operators
 * must never reconcile together. A replica that gives the lease up because it is shutting down
 * (SIGTERM) just finishes its shutdown; JOSDK's own exit on stop would call {@code System.exit}
 * inside the shutdown hook and hang until the kubelet kills the pod.
 */
public record LeaderElection(
    String namespace,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod,
    Runnable onLeadershipLost,
    Runnable onStartedLeading) {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);
  public static final String LEASE_NAME = "registry-operator";

  /** Nothing to do on taking the lease. */
  public LeaderElection(
      String namespace,
      String identity,
      Duration leaseDuration,
      Duration renewDeadline,
      Duration retryPeriod,
      Runnable onLeadershipLost) {
    this(
        namespace, identity, leaseDuration, renewDeadline, retryPeriod, onLeadershipLost, () -> {});
  }

  /** The same, with {@code action} run when this replica takes the lease. */
  public LeaderElection whenLeading(Runnable action) {
    return new LeaderElection(
        namespace, identity, leaseDuration, renewDeadline, retryPeriod, onLeadershipLost, action);
  }

  /**
   * Kubernetes' usual timings (lease 15 s, renew deadline 10 s, retry 2 s), JOSDK's identity (the
   * pod's host name); a lost lease halts the process.
   */
  public static LeaderElection inNamespace(String namespace) {
    return new LeaderElection(
        namespace,
        null,
        Duration.ofSeconds(15),
        Duration.ofSeconds(10),
        Duration.ofSeconds(2),
        LeaderElection::haltUnlessShuttingDown);
  }

  static void haltUnlessShuttingDown() {
    if (shuttingDown()) {
      LOG.info("gave the leader lease up while shutting down");
      return;
    }
    LOG.error("lost the leader lease: stopping now so that two operators never reconcile together");
    Runtime.getRuntime().halt(1);
  }

  /** True once the JVM runs its shutdown hooks (a hook can no longer be added then). */
  static boolean shuttingDown() {
    Thread probe = new Thread(() -> {});
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }
}
