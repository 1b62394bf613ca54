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

  private RegistryStatuses() {}

  /** Status for a spec the operator refuses: nothing was created or changed from it. */
  public static RegistryStatus invalid(Registry registry, SpecProblem problem, Instant now) {
    RegistryStatus status = copyOf(registry.getStatus());
    Long generation = registry.getMetadata().getGeneration();
    status.setObservedGeneration(generation);
    status.setConditions(
        Conditions.set(
            status.getConditions(), READY, false, problem.reason().name(), problem.message(), generation, now));
    status.setPhase("Failed");
    return status;
  }

  /** Status once the desired objects are applied, from the pods seen. */
  public static RegistryStatus observed(
      Registry registry, ServingMode mode, PodCensus pods, Deployment deployment, Optional<GcRecord> lastGc, Instant now) {
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
        RegistryNames.endpoint(name, registry.getMetadata().getNamespace(), registry.getSpec().effectivePort()));
    lastGc.ifPresent(gc -> status.setLastGarbageCollection(lastGarbageCollection(gc)));

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

    Optional<MaintenanceRequest> maintenance = mode.maintenance();
    boolean inEffect =
        maintenance.isPresent() && maintenanceInEffect(maintenance.get(), pods, rolledOut) && caughtUp(deployment, desired);
    status.setMaintenance(
        maintenance
            .map(m -> new MaintenanceStatus(m.mode().name(), m.holder(), m.since(), inEffect))
            .orElse(null));
    conditions =
        Conditions.set(
            conditions,
            MAINTENANCE,
            maintenance.isPresent(),
            maintenance.isEmpty()
                ? RegistryReason.NoMaintenance.name()
                : inEffect ? RegistryReason.MaintenanceInEffect.name() : RegistryReason.MaintenancePending.name(),
            maintenance
                .map(m -> m.mode() + " for " + m.holder() + (inEffect ? ", in effect" : ", waiting for pods: " + rolloutMessage(pods, desired)))
                .orElse("no maintenance window"),
            generation,
            now);

    ReadyVerdict verdict = ready(registry.getSpec(), mode, pods, rolledOut, desired);
    conditions =
        Conditions.set(conditions, READY, verdict.ready(), verdict.reason().name(), verdict.message(), generation, now);
    status.setConditions(conditions);
    status.setPhase(phase(verdict, maintenance.isPresent(), rolledOut));
    return status;
  }

  private record ReadyVerdict(boolean ready, RegistryReason reason, String message) {}

  private static ReadyVerdict ready(
      RegistrySpec spec, ServingMode mode, PodCensus pods, boolean rolledOut, int desired) {
    if (desired == 0) {
      return mode.maintenance().isPresent()
          ? new ReadyVerdict(false, RegistryReason.ScaledToZeroForMaintenance, "scaled to zero for " + mode.maintenance().get().holder())
          : new ReadyVerdict(false, RegistryReason.Stopped, "spec.replicas is 0: no registry pod runs");
    }
    if (!rolledOut) {
      return new ReadyVerdict(false, RegistryReason.RollingOut, rolloutMessage(pods, desired));
    }
    if (mode.readOnly()) {
      return new ReadyVerdict(
          true,
          RegistryReason.AvailableReadOnly,
          desired + " pods serve pulls; pushes are refused ("
              + (mode.maintenance().isPresent() ? "maintenance for " + mode.maintenance().get().holder() : "spec.readOnly")
              + ")");
    }
    return new ReadyVerdict(true, RegistryReason.Available, desired + " pods serve pulls and pushes");
  }

  private static boolean maintenanceInEffect(MaintenanceRequest request, PodCensus pods, boolean rolledOut) {
    return switch (request.mode()) {
      case ScaleToZero -> pods.total() == 0;
      case ReadOnly -> pods.writable() == 0 && rolledOut;
    };
  }

  /**
   * The Deployment controller has acted on the latest Deployment spec: it observed this generation
   * and counts {@code desired} pods of its current template. Until then it may still create a pod
   * from an older template, one the census cannot see yet.
   */
  static boolean caughtUp(Deployment deployment, int desired) {
    if (deployment == null || deployment.getStatus() == null || deployment.getStatus().getObservedGeneration() == null) {
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

  private static LastGarbageCollection lastGarbageCollection(GcRecord gc) {
    LastGarbageCollection last = new LastGarbageCollection();
    last.setTime(gc.time());
    last.setResult(gc.result());
    last.setReclaimedBytes(gc.reclaimedBytes());
    last.setSchedule(gc.schedule());
    return last;
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
