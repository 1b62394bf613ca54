package dev.registryoperator.gc;

import dev.registryoperator.gcreport.retention.Protection;
import dev.registryoperator.registry.Registry;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;

/**
 * The images the cluster's workloads use from one Registry, which retention never deletes. Empty
 * when the operator was told not to look at workloads: then nothing is protected, and the request
 * says so.
 */
@FunctionalInterface
public interface WorkloadProtection {
  /** For an operator that does not look at workloads. */
  WorkloadProtection DISABLED = (registry, client) -> Optional.empty();

  Optional<Protection> of(Registry registry, KubernetesClient client);
}
