package dev.registryoperator.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;
import java.util.Optional;

/**
 * The last finished GC run, left by the GC flow in an annotation on the Registry when it releases
 * the maintenance lock. The Registry reconciler copies it into status and uses its time as a
 * restart token: pods are replaced after every GC, since their blob cache is stale.
 */
public record GcRecord(String time, String result, Long reclaimedBytes, String schedule) {
  public static final String ANNOTATION = "registry.operator.dev/last-gc";
  private static final ObjectMapper JSON = new ObjectMapper();

  public static Optional<GcRecord> of(HasMetadata registry) {
    Map<String, String> annotations = registry.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(ANNOTATION);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(value, GcRecord.class));
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

  /** True when the run touched storage, so the pods must be replaced afterwards. */
  public boolean requiresRestart() {
    return !"Skipped".equals(result);
  }
}
