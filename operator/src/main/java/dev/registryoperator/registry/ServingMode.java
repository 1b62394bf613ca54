package dev.registryoperator.registry;

import java.util.Optional;

/**
 * How the registry pods should serve right now: the user's spec, overridden by a maintenance
 * window. Pure.
 */
public record ServingMode(boolean readOnly, int replicas, Optional<MaintenanceRequest> maintenance) {

  public static ServingMode of(RegistrySpec spec, Optional<MaintenanceRequest> maintenance) {
    boolean readOnly = spec.effectiveReadOnly();
    int replicas = spec.effectiveReplicas();
    if (maintenance.isPresent()) {
      switch (maintenance.get().mode()) {
        case ReadOnly -> readOnly = true;
        case ScaleToZero -> replicas = 0;
      }
    }
    return new ServingMode(readOnly, replicas, maintenance);
  }
}
