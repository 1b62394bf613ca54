package dev.registryoperator.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Optional;

/**
 * The maintenance lock of one registry, kept in an annotation the operator owns on the Registry
 * (never in its spec). A GC run takes it with an optimistic-concurrency update; the Registry
 * reconciler, the only writer of the registry's Deployment, applies it and reports in status when
 * it is in effect.
 */
public record MaintenanceRequest(String holder, String runId, MaintenanceMode mode, String since) {
  public static final String ANNOTATION = "registry.operator.dev/maintenance";
  public static Optional<MaintenanceRequest> of(HasMetadata registry) {
    return AnnotationJson.read(registry, ANNOTATION, MaintenanceRequest.class).filter(r -> r.mode() != null && r.holder() != null);
  }

  public String toJson() {
    return AnnotationJson.write(this);
  }

  public boolean heldBy(String otherHolder, String otherRunId) {
    return holder.equals(otherHolder) && runId != null && runId.equals(otherRunId);
  }
}
