package dev.registryoperator.common;

import java.util.LinkedHashMap;
import java.util.Map;

/** Label and annotation keys the operator owns, and the label sets it puts on what it creates. */
public final class Labels {
  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGER = "registry-operator";
  public static final String APP = "registry";

  public static final String COMPONENT_REGISTRY = "registry";
  public static final String COMPONENT_GC = "garbage-collector";

  /** Pod label: "true" when the pod serves its storage read-only. */
  public static final String READ_ONLY = "registry.operator.dev/read-only";

  /**
   * GC pod label: what the pod does to storage. {@code collect} deletes (it may run only inside a
   * maintenance window); {@code preview} and {@code dry-run} only read.
   */
  public static final String GC_KIND = "registry.operator.dev/gc-kind";

  public static final String GC_KIND_COLLECT = "collect";
  public static final String GC_KIND_PREVIEW = "preview";
  public static final String GC_KIND_PRUNING = "pruning";
  public static final String GC_KIND_DRY_RUN = "dry-run";

  /** GC pod label of a collect pod: the window it needs (ReadOnly or ScaleToZero). */
  public static final String GC_MAINTENANCE = "registry.operator.dev/gc-maintenance";

  /**
   * Equality-based selector for everything the operator manages (the mock mishandles set-based).
   */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + MANAGER;

  private Labels() {}

  /** Labels for every object that belongs to one registry instance. */
  public static Map<String, String> forInstance(String registryName, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, APP);
    labels.put(INSTANCE, registryName);
    labels.put(COMPONENT, component);
    labels.put(MANAGED_BY, MANAGER);
    return labels;
  }

  /** The stable subset used as a Deployment/Service selector (never changes after creation). */
  public static Map<String, String> selector(String registryName) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, APP);
    labels.put(INSTANCE, registryName);
    labels.put(COMPONENT, COMPONENT_REGISTRY);
    return labels;
  }
}
