package dev.registryoperator;

import dev.registryoperator.common.EventRecorder;
import dev.registryoperator.gc.GcScheduleReconciler;
import dev.registryoperator.metrics.OperatorMetrics;
import dev.registryoperator.registry.MaintenanceLock;
import dev.registryoperator.registry.RegistryReconciler;
import dev.registryoperator.retention.WorkloadImages;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/** Wires the controllers into an Operator. Used by {@link Main} and by tests alike. */
public final class RegistryOperator {
  private RegistryOperator() {}

  /**
   * An Operator that does not use server-side apply for the primary resource's status nor for
   * matching (design.md §5): the shipped code path is the one tests exercise.
   */
  public static Operator create(KubernetesClient client, Clock clock) {
    return create(client, clock, Set.of(), Optional.empty());
  }

  /**
   * @param namespaces namespaces to watch; empty means all
   * @param leaderElection when present, only the holder of a Lease reconciles (several operator
   *     replicas for availability)
   */
  public static Operator create(
      KubernetesClient client,
      Clock clock,
      Set<String> namespaces,
      Optional<LeaderElection> leaderElection) {
    return create(
        client, clock, namespaces, leaderElection, RegistryReconciler.SecretRechecks.DEFAULT);
  }

  /**
   * @param secretRechecks when the Registry reconciler reads user Secrets again (tests shorten it)
   */
  public static Operator create(
      KubernetesClient client,
      Clock clock,
      Set<String> namespaces,
      Optional<LeaderElection> leaderElection,
      RegistryReconciler.SecretRechecks secretRechecks) {
    return create(
        client, clock, namespaces, leaderElection, secretRechecks, DEFAULT_RECONCILE_THREADS);
  }

  /**
   * Reconciles that run at once (JOSDK's default is 50). Each waits mostly on the API server; a few
   * keep a thousand registries converging, and each thread costs memory.
   */
  public static final int DEFAULT_RECONCILE_THREADS = 10;

  /**
   * @param reconcileThreads how many reconciles run at once
   */
  public static Operator create(
      KubernetesClient client,
      Clock clock,
      Set<String> namespaces,
      Optional<LeaderElection> leaderElection,
      RegistryReconciler.SecretRechecks secretRechecks,
      int reconcileThreads) {
    return create(
        client,
        clock,
        namespaces,
        leaderElection,
        secretRechecks,
        reconcileThreads,
        Optional.empty());
  }

  /**
   * @param metrics when present, reconciles are measured and the GC metrics read the controllers'
   *     caches
   */
  public static Operator create(
      KubernetesClient client,
      Clock clock,
      Set<String> namespaces,
      Optional<LeaderElection> leaderElection,
      RegistryReconciler.SecretRechecks secretRechecks,
      int reconcileThreads,
      Optional<OperatorMetrics> metrics) {
    return create(
        client,
        clock,
        namespaces,
        leaderElection,
        secretRechecks,
        reconcileThreads,
        metrics,
        WorkloadImages.DEFAULT_ENABLED);
  }

  /**
   * @param protectWorkloads whether retention lists the cluster's workloads to keep the images they
   *     use ({@link WorkloadImages#ENVIRONMENT_VARIABLE})
   */
  public static Operator create(
      KubernetesClient client,
      Clock clock,
      Set<String> namespaces,
      Optional<LeaderElection> leaderElection,
      RegistryReconciler.SecretRechecks secretRechecks,
      int reconcileThreads,
      Optional<OperatorMetrics> metrics,
      boolean protectWorkloads) {
    Operator operator =
        new Operator(
            overrider -> {
              metrics.ifPresent(m -> overrider.withMetrics(m.reconcileMetrics()));
              overrider
                  .withConcurrentReconciliationThreads(reconcileThreads)
                  // no dependent-resource workflows: JOSDK's pool for them stays small
                  .withConcurrentWorkflowExecutorThreads(1)
                  .withKubernetesClient(client)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withUseSSAToPatchPrimaryResource(false)
                  .withCloseClientOnStop(false)
                  .withStopOnInformerErrorDuringStartup(true);
              leaderElection.ifPresent(
                  le ->
                      overrider.withLeaderElectionConfiguration(
                          new LeaderElectionConfiguration(
                              LeaderElection.LEASE_NAME,
                              le.namespace(),
                              le.leaseDuration(),
                              le.renewDeadline(),
                              le.retryPeriod(),
                              le.identity(),
                              new LeaderCallbacks(
                                  le.onStartedLeading(), le.onLeadershipLost(), leader -> {}),
                              false)));
            });
    EventRecorder events = new EventRecorder(client, clock);
    MaintenanceLock lock = new MaintenanceLock(client);
    // what a GcSchedule's retention must keep, listed right before each Job that applies it
    WorkloadImages workloadImages = new WorkloadImages(client, protectWorkloads);
    RegistryReconciler registries = new RegistryReconciler(events, lock, clock, secretRechecks);
    GcScheduleReconciler schedules =
        new GcScheduleReconciler(events, lock, clock, workloadImages::check);
    operator.register(registries, o -> watch(o, namespaces));
    operator.register(schedules, o -> watch(o, namespaces));
    metrics.ifPresent(
        m -> {
          m.readRegistriesFrom(registries::cached);
          m.readSchedulesFrom(schedules::cached);
        });
    return operator;
  }

  private static void watch(ControllerConfigurationOverrider<?> overrider, Set<String> namespaces) {
    if (!namespaces.isEmpty()) {
      overrider.settingNamespaces(namespaces);
    }
  }
}
