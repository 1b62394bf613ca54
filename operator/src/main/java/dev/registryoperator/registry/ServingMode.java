package dev.registryoperator.registry;

import java.util.Optional;

/**
 * How the registry pods should serve right now: the user's serving (from the spec, or as last
 * applied when the spec is invalid), overridden by a maintenance window held by a GC run and by any
 * live GC collect pod of the registry (a second guard that needs no lock). Pure.
 */
public record ServingMode(
    boolean readOnly,
    int replicas,
    Optional<MaintenanceRequest> maintenance,
    Optional<GcPods.Guard> guard) {

  public static ServingMode of(RegistrySpec spec, Optional<MaintenanceRequest> maintenance) {
    return of(spec.effectiveReadOnly(), spec.effectiveReplicas(), maintenance, Optional.empty());
  }

  public static ServingMode of(
      boolean userReadOnly,
      int userReplicas,
      Optional<MaintenanceRequest> maintenance,
      Optional<GcPods.Guard> guard) {
    boolean readOnly = userReadOnly;
    int replicas = userReplicas;
    for (MaintenanceMode mode :
        new MaintenanceMode[] {
          maintenance.map(MaintenanceRequest::mode).orElse(null),
          guard.map(GcPods.Guard::mode).orElse(null)
        }) {
      if (mode == MaintenanceMode.ReadOnly) {
        readOnly = true;
      } else if (mode == MaintenanceMode.ScaleToZero) {
        replicas = 0;
      }
    }
    return new ServingMode(readOnly, replicas, maintenance, guard);
  }

  /** The window in force: the lock's, else the one a live GC collect pod needs. */
  public Optional<MaintenanceRequest> window() {
    return maintenance.or(() -> guard.map(GcPods.Guard::asRequest));
  }

  /** The mode the window amounts to (a guard needing zero under a ReadOnly lock: ScaleToZero). */
  public Optional<MaintenanceMode> windowMode() {
    return window()
        .map(
            w ->
                guard.isPresent() && guard.get().mode() == MaintenanceMode.ScaleToZero
                    ? MaintenanceMode.ScaleToZero
                    : w.mode());
  }
}
