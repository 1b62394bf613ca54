package dev.registryoperator.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Optional;

/**
 * The maintenance lock of one registry, kept in an annotation the operator owns on the Registry
 * (never in its spec). A GC run takes it with an optimistic-concurrency update; the Registry
 * reconciler, the only writer of the registry's Deployment, applies it and reports in status when
 * it is in effect.
 */
public record MaintenanceRequest(
    String holder,
    String holderUid,
    String runId,
    MaintenanceMode mode,
    String since,
    String token) {
  public static final String ANNOTATION = "registry.operator.dev/maintenance";

  /*
   * token: unique to one taking of the lock. The Registry echoes it in status.maintenance, so a
   * window reported in effect is known to be the effect of this lock, not of an earlier one that
   * was lost (a replace) and taken again.
   */
  public static Optional<MaintenanceRequest> of(HasMetadata registry) {
    return AnnotationJson.read(registry, ANNOTATION, MaintenanceRequest.class)
        .filter(r -> r.mode() != null && r.holder() != null);
  }

  public MaintenanceRequest(String holder, String runId, MaintenanceMode mode, String since) {
    this(holder, null, runId, mode, since, null);
  }

  public MaintenanceRequest(
      String holder, String holderUid, String runId, MaintenanceMode mode, String since) {
    this(holder, holderUid, runId, mode, since, null);
  }

  public String toJson() {
    return AnnotationJson.write(this);
  }

  /**
   * Held by that holder's run. The holder's UID tells a GcSchedule re-created with the same name
   * from the one that took the lock; a lock written without one (an older operator) matches by
   * name.
   */
  public boolean heldBy(String otherHolder, String otherHolderUid, String otherRunId) {
    boolean sameUid =
        holderUid == null || otherHolderUid == null || holderUid.equals(otherHolderUid);
    return holder.equals(otherHolder) && sameUid && runId != null && runId.equals(otherRunId);
  }
}
