package dev.registryoperator.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Takes and gives back a registry's maintenance lock (an annotation, never the spec: I7). One
 * holder at a time (I5): a JSON patch that first tests the resourceVersion it read, so a real API
 * server refuses a write based on a stale read (422), and the caller reads again on its next
 * reconcile; inside this operator process, one writer per registry at a time, so two schedules of
 * one registry do not race each other into refusals.
 */
public class MaintenanceLock {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ANNOTATIONS = "/metadata/annotations";

  private final KubernetesClient client;
  private final ConcurrentHashMap<String, Object> guards = new ConcurrentHashMap<>();

  public MaintenanceLock(KubernetesClient client) {
    this.client = client;
  }

  /** True when {@code request}'s holder and run hold the lock now (taken here or before). */
  public boolean acquire(String namespace, String registryName, MaintenanceRequest request) {
    synchronized (guard(namespace, registryName)) {
      Registry registry =
          client.resources(Registry.class).inNamespace(namespace).withName(registryName).get();
      if (registry == null) {
        return false;
      }
      Optional<MaintenanceRequest> current = MaintenanceRequest.of(registry);
      if (current.isPresent()) {
        return current.get().heldBy(request.holder(), request.holderUid(), request.runId());
      }
      ArrayNode patch = testVersion(registry);
      ensureAnnotations(registry, patch);
      patch
          .addObject()
          .put("op", "add")
          .put("path", ANNOTATIONS + "/" + escape(MaintenanceRequest.ANNOTATION))
          .put("value", request.toJson());
      return apply(namespace, registryName, patch);
    }
  }

  /**
   * Gives the lock back if {@code holder}'s run {@code runId} (or any run of it, when null) holds
   * it, and leaves the run's record for the Registry reconciler. True when the lock is not held by
   * that holder afterwards.
   */
  public boolean release(
      String namespace, String registryName, String holder, String runId, GcRecord record) {
    synchronized (guard(namespace, registryName)) {
      Registry registry =
          client.resources(Registry.class).inNamespace(namespace).withName(registryName).get();
      if (registry == null) {
        return true;
      }
      Optional<MaintenanceRequest> current = MaintenanceRequest.of(registry);
      boolean ours =
          current.isPresent()
              && current.get().holder().equals(holder)
              && (runId == null || runId.equals(current.get().runId()));
      if (!ours) {
        return true;
      }
      ArrayNode patch = testVersion(registry);
      patch
          .addObject()
          .put("op", "remove")
          .put("path", ANNOTATIONS + "/" + escape(MaintenanceRequest.ANNOTATION));
      if (record != null) {
        patch
            .addObject()
            .put("op", "add")
            .put("path", ANNOTATIONS + "/" + escape(GcRecord.ANNOTATION))
            .put("value", record.toJson());
      }
      return apply(namespace, registryName, patch);
    }
  }

  /**
   * Drops a lock whose holder no longer exists (it was force-deleted); never leaves a registry
   * read-only.
   */
  public boolean releaseStale(Registry registry) {
    MaintenanceRequest request = MaintenanceRequest.of(registry).orElse(null);
    if (request == null) {
      return true;
    }
    return release(
        registry.getMetadata().getNamespace(),
        registry.getMetadata().getName(),
        request.holder(),
        request.runId(),
        null);
  }

  /**
   * Removes a lock annotation whose value cannot be read (edited by hand, or cut by a tool): it
   * holds nothing, and left alone it would only confuse whoever reads it. A live GC pod keeps the
   * registry in maintenance without it.
   */
  public boolean dropUnreadable(Registry registry) {
    String namespace = registry.getMetadata().getNamespace();
    String name = registry.getMetadata().getName();
    synchronized (guard(namespace, name)) {
      var annotations = registry.getMetadata().getAnnotations();
      if (annotations == null
          || !annotations.containsKey(MaintenanceRequest.ANNOTATION)
          || MaintenanceRequest.of(registry).isPresent()) {
        return false;
      }
      ArrayNode patch = testVersion(registry);
      patch
          .addObject()
          .put("op", "remove")
          .put("path", ANNOTATIONS + "/" + escape(MaintenanceRequest.ANNOTATION));
      return apply(namespace, name, patch);
    }
  }

  private boolean apply(String namespace, String name, ArrayNode patch) {
    try {
      client
          .resources(Registry.class)
          .inNamespace(namespace)
          .withName(name)
          .patch(PatchContext.of(PatchType.JSON), patch.toString());
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 || e.getCode() == 422 || e.getCode() == 404) {
        return false; // someone else wrote first (the test op failed) or the Registry is gone: read
        // again
      }
      throw e;
    }
  }

  private static ArrayNode testVersion(Registry registry) {
    ArrayNode patch = JSON.createArrayNode();
    patch
        .addObject()
        .put("op", "test")
        .put("path", "/metadata/resourceVersion")
        .put("value", registry.getMetadata().getResourceVersion());
    return patch;
  }

  private static void ensureAnnotations(Registry registry, ArrayNode patch) {
    if (registry.getMetadata().getAnnotations() == null) {
      ObjectNode empty = JSON.createObjectNode();
      patch.addObject().put("op", "add").put("path", ANNOTATIONS).set("value", empty);
    }
  }

  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  private Object guard(String namespace, String name) {
    return guards.computeIfAbsent(namespace + "/" + name, k -> new Object());
  }
}
