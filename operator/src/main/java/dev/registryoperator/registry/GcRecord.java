package dev.registryoperator.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Optional;

/**
 * The last finished GC run, left by the GC flow in an annotation on the Registry when it releases
 * the maintenance lock. The Registry reconciler copies it into status and uses its time as a
 * restart token: pods are replaced after every GC, since their blob cache is stale.
 */
public record GcRecord(String time, String result, Long reclaimedBytes, String schedule) {
  public static final String ANNOTATION = "registry.operator.dev/last-gc";
  public static Optional<GcRecord> of(HasMetadata registry) {
    return AnnotationJson.read(registry, ANNOTATION, GcRecord.class);
  }

  public String toJson() {
    return AnnotationJson.write(this);
  }

  /** True when the run touched storage, so the pods must be replaced afterwards. */
  public boolean requiresRestart() {
    return !"Skipped".equals(result);
  }
}
