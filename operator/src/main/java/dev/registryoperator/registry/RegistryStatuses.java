package dev.registryoperator.registry;

import dev.registryoperator.common.Conditions;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Computes a Registry's status from what was observed. Pure: the caller passes the clock. */
public final class RegistryStatuses {
  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String MAINTENANCE = "Maintenance";

  /** Present (True) only while the API refuses to grow the claim; Ready does not depend on it. */
  public static final String STORAGE_RESIZE_FAILURE = "StorageResizeFailure";

  private RegistryStatuses() {}

  /**
   * Status for a spec the operator refuses: Ready=False with the problem, and the window (if any)
   * as the pods seen prove it, never as it was last reported. {@code mode} is the serving the
   * existing Deployment was given from its last applied state.
   */
  public static RegistryStatus invalid(
      Registry registry,
      SpecProblem problem,
      ServingMode mode,
      PodCensus pods,
      Deployment deployment,
      Instant now) {
    RegistryStatus status = copyOf(registry.getStatus());
    Long generation = registry.getMetadata().getGeneration();
    status.setObservedGeneration(generation);
    List<io.fabric8.kubernetes.api.model.Condition> conditions =
        maintenance(
            status,
            status.getConditions(),
            mode,
            pods,
            pods.rolledOut(mode.replicas()),
            deployment,
            generation,
            now);
    status.setConditions(
        Conditions.set(
            conditions, READY, false, problem.reason().name(), problem.message(), generation, now));
    status.setPhase("Failed");
    return status;
  }

  /** Status once the desired objects are applied, from the pods seen. */
  public static RegistryStatus observed(
      Registry registry,
      ServingMode mode,
      PodCensus pods,
      Deployment deployment,
      Optional<GcRecord> lastGc,
      Instant now) {
    RegistryStatus status = copyOf(registry.getStatus());
    Long generation = registry.getMetadata().getGeneration();
    String name = registry.getMetadata().getName();
    int desired = mode.replicas();
    boolean rolledOut = pods.rolledOut(desired);
    status.setObservedGeneration(generation);
    status.setReplicas(desired);
    status.setReadyReplicas(pods.ready());
    status.setReplicasSummary(pods.ready() + "/" + desired);
    status.setEndpoint(
        RegistryNames.endpoint(
            name, registry.getMetadata().getNamespace(), registry.getSpec().effectivePort()));
    lastGc.ifPresent(gc -> status.setLastGarbageCollection(gc.toStatus()));

    List<io.fabric8.kubernetes.api.model.Condition> conditions = status.getConditions();
    conditions =
        Conditions.set(
            conditions,
            PROGRESSING,
            !rolledOut,
            rolledOut ? RegistryReason.RolloutComplete.name() : RegistryReason.RollingOut.name(),
            rolledOut
                ? "all " + desired + " pods run the current configuration"
                : rolloutMessage(pods, desired),
            generation,
            now);
    conditions =
        maintenance(status, conditions, mode, pods, rolledOut, deployment, generation, now);

    ReadyVerdict verdict = ready(registry.getSpec(), mode, pods, rolledOut, desired);
    conditions =
        Conditions.set(
            conditions,
            READY,
            verdict.ready(),
            verdict.reason().name(),
            verdict.message(),
            generation,
            now);
    status.setConditions(conditions);
    status.setPhase(phase(verdict, mode.window().isPresent(), rolledOut));
    return status;
  }

  /**
   * Sets {@code status.maintenance} and returns the conditions with the Maintenance condition set.
   */
  private static List<io.fabric8.kubernetes.api.model.Condition> maintenance(
      RegistryStatus status,
      List<io.fabric8.kubernetes.api.model.Condition> conditions,
      ServingMode mode,
      PodCensus pods,
      boolean rolledOut,
      Deployment deployment,
      Long generation,
      Instant now) {
    Optional<MaintenanceRequest> window = mode.window();
    int desired = mode.replicas();
    boolean inEffect =
        window.isPresent()
            && maintenanceInEffect(mode, pods, rolledOut)
            && caughtUp(deployment, desired);
    String modeName = mode.windowMode().map(Enum::name).orElse(null);
    status.setMaintenance(
        window
            .map(
                w -> {
                  MaintenanceStatus m =
                      new MaintenanceStatus(modeName, w.holder(), w.since(), inEffect);
                  m.setToken(w.token());
                  return m;
                })
            .orElse(null));
    String progress =
        inEffect ? ", in effect" : ", waiting for pods: " + rolloutMessage(pods, desired);
    if (window.isEmpty()) {
      return Conditions.set(
          conditions,
          MAINTENANCE,
          false,
          RegistryReason.NoMaintenance.name(),
          "no maintenance window",
          generation,
          now);
    }
    if (mode.maintenance().isEmpty()) {
      GcPods.Guard guard = mode.guard().orElseThrow();
      return Conditions.set(
          conditions,
          MAINTENANCE,
          true,
          RegistryReason.GcPodRunning.name(),
          guardMessage(guard) + progress,
          generation,
          now);
    }
    return Conditions.set(
        conditions,
        MAINTENANCE,
        true,
        inEffect
            ? RegistryReason.MaintenanceInEffect.name()
            : RegistryReason.MaintenancePending.name(),
        modeName + " for " + window.get().holder() + progress,
        generation,
        now);
  }

  /**
   * {@code status} with the StorageResizeFailure condition set from {@code rejection}, or removed.
   */
  public static RegistryStatus withResizeRejection(
      RegistryStatus status, Optional<String> rejection, Long generation, Instant now) {
    status.setConditions(
        rejection
            .map(
                message ->
                    Conditions.set(
                        status.getConditions(),
                        STORAGE_RESIZE_FAILURE,
                        true,
                        RegistryReason.StorageResizeRejected.name(),
                        message,
                        generation,
                        now))
            .orElseGet(() -> Conditions.remove(status.getConditions(), STORAGE_RESIZE_FAILURE)));
    return status;
  }

  /**
   * What the Maintenance condition and the Warning event say about a live GC pod without a lock.
   */
  public static String guardMessage(GcPods.Guard guard) {
    return "GC collect pod "
        + guard.podName()
        + " ("
        + guard.holder()
        + ") may still run and no maintenance lock is held: "
        + guard.mode()
        + " until it has terminated";
  }

  private record ReadyVerdict(boolean ready, RegistryReason reason, String message) {}

  private static ReadyVerdict ready(
      RegistrySpec spec, ServingMode mode, PodCensus pods, boolean rolledOut, int desired) {
    if (desired == 0) {
      return mode.window().isPresent()
          ? new ReadyVerdict(
              false,
              RegistryReason.ScaledToZeroForMaintenance,
              "scaled to zero for " + mode.window().get().holder())
          : new ReadyVerdict(
              false, RegistryReason.Stopped, "spec.replicas is 0: no registry pod runs");
    }
    if (!rolledOut) {
      return new ReadyVerdict(false, RegistryReason.RollingOut, rolloutMessage(pods, desired));
    }
    if (mode.readOnly()) {
      return new ReadyVerdict(
          true,
          RegistryReason.AvailableReadOnly,
          desired
              + " pods serve pulls; pushes are refused ("
              + (mode.window().isPresent()
                  ? "maintenance for " + mode.window().get().holder()
                  : "spec.readOnly")
              + ")");
    }
    return new ReadyVerdict(
        true, RegistryReason.Available, desired + " pods serve pulls and pushes");
  }

  /**
   * No writer: no pod at all when serving zero, else every pod read-only by its spec and current.
   */
  private static boolean maintenanceInEffect(ServingMode mode, PodCensus pods, boolean rolledOut) {
    if (mode.replicas() == 0) {
      return pods.total() == 0;
    }
    return mode.readOnly() && pods.writable() == 0 && rolledOut;
  }

  /**
   * The Deployment controller has acted on the latest Deployment spec: it observed this generation
   * and counts {@code desired} pods of its current template. Until then it may still create a pod
   * from an older template, one the census cannot see yet.
   */
  static boolean caughtUp(Deployment deployment, int desired) {
    if (deployment == null) {
      // Not seen yet, or just written in this reconcile: its controller may still act on an older
      // generation and create pods (seen in GcTortureTest: pods of a Deployment's first generation
      // created after it was scaled to zero). Nothing is proven.
      return false;
    }
    if (deployment.getStatus() == null
        || deployment.getStatus() == null
        || deployment.getStatus().getObservedGeneration() == null) {
      return false;
    }
    Long generation = deployment.getMetadata().getGeneration();
    Integer updated = deployment.getStatus().getUpdatedReplicas();
    return generation != null
        && generation.equals(deployment.getStatus().getObservedGeneration())
        && (updated == null ? 0 : updated) == desired;
  }

  private static String phase(ReadyVerdict verdict, boolean maintenance, boolean rolledOut) {
    if (maintenance) {
      return "Maintenance";
    }
    if (verdict.reason() == RegistryReason.Stopped) {
      return "Stopped";
    }
    if (verdict.ready()) {
      return "Ready";
    }
    return rolledOut ? "Pending" : "Progressing";
  }

  private static String rolloutMessage(PodCensus pods, int desired) {
    return pods.readyCurrent()
        + " of "
        + desired
        + " pods ready with the current configuration, "
        + pods.stale()
        + " outdated, "
        + pods.terminating()
        + " terminating";
  }

  private static RegistryStatus copyOf(RegistryStatus previous) {
    RegistryStatus status = new RegistryStatus();
    if (previous != null) {
      status.setConditions(previous.getConditions());
      status.setLastGarbageCollection(previous.getLastGarbageCollection());
      status.setEndpoint(previous.getEndpoint());
      status.setReadyReplicas(previous.getReadyReplicas());
      status.setReplicas(previous.getReplicas());
      status.setReplicasSummary(previous.getReplicasSummary());
      status.setMaintenance(previous.getMaintenance());
    }
    return status;
  }
}
