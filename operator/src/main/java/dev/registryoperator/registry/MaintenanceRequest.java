package dev.registryoperator.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;
import java.util.Optional;

/**
 * The maintenance lock of one registry, kept in an annotation the operator owns on the Registry
 * (never in its spec). A GC run takes it with an optimistic-concurrency update; the Registry
 * reconciler, the only writer of the registry's Deployment, applies it and reports in status when
 * it is in effect.
 */
public record MaintenanceRequest(String holder, String runId, MaintenanceMode mode, String since) {
  public static final String ANNOTATION = "registry.operator.dev/maintenance";
  private static final ObjectMapper JSON = new ObjectMapper();

  public static Optional<MaintenanceRequest> of(HasMetadata registry) {
    Map<String, String> annotations = registry.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(ANNOTATION);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      MaintenanceRequest request = JSON.readValue(value, MaintenanceRequest.class);
      return request.mode() == null || request.holder() == null ? Optional.empty() : Optional.of(request);
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public boolean heldBy(String otherHolder, String otherRunId) {
    return holder.equals(otherHolder) && runId != null && runId.equals(otherRunId);
  }
}
