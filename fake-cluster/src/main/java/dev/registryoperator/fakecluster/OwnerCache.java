package dev.registryoperator.fakecluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Owners of each kind ({@code apiVersion/kind}) as an informer sees them, for the garbage
 * collector: an informer is started at the first dependent of a kind, and an owner found in it
 * (same uid) is alive without a request; its deletion is reported, so that its dependents are
 * looked at. Asking the API for every owner on every sweep took thousands of requests a second at a
 * thousand registries. Shared by the cluster's logic threads.
 */
final class OwnerCache {
  private final SimContext ctx;
  private final Consumer<GenericKubernetesResource> onDeleted;

  /** By {@code group/version/kind}; empty when no informer could be started. */
  private final Map<String, Optional<SharedIndexInformer<GenericKubernetesResource>>> informers =
      new ConcurrentHashMap<>();

  private volatile boolean closed;

  /** {@code onDeleted} is called, on an informer's thread, with each owner that went. */
  OwnerCache(SimContext ctx, Consumer<GenericKubernetesResource> onDeleted) {
    this.ctx = ctx;
    this.onDeleted = onDeleted;
  }

  /**
   * Whether the cache holds {@code namespace/name} with {@code uid}; false when it does not, or
   * cannot tell yet (then ask the API).
   */
  boolean holds(ResourceDefinitionContext kind, String namespace, String name, String uid) {
    String key = kind.getGroup() + "/" + kind.getVersion() + "/" + kind.getKind();
    Optional<SharedIndexInformer<GenericKubernetesResource>> informer = informers.get(key);
    if (informer == null) {
      informer = start(key, kind);
    }
    if (informer.isEmpty() || !informer.get().hasSynced()) {
      return false;
    }
    GenericKubernetesResource cached =
        informer.get().getStore().getByKey(Cache.namespaceKeyFunc(namespace, name));
    return cached != null && uid.equals(cached.getMetadata().getUid());
  }

  private synchronized Optional<SharedIndexInformer<GenericKubernetesResource>> start(
      String key, ResourceDefinitionContext rdc) {
    Optional<SharedIndexInformer<GenericKubernetesResource>> known = informers.get(key);
    if (known != null || closed) {
      return known == null ? Optional.empty() : known;
    }
    SharedIndexInformer<GenericKubernetesResource> informer;
    try {
      var ops = ctx.client.genericKubernetesResources(rdc);
      informer =
          (ctx.settings.namespace() == null
                  ? ops.inAnyNamespace()
                  : ops.inNamespace(ctx.settings.namespace()))
              .runnableInformer(0);
      informer.addEventHandler(
          new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource obj) {}

            @Override
            public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource obj) {}

            @Override
            public void onDelete(GenericKubernetesResource obj, boolean finalStateUnknown) {
              onDeleted.accept(obj);
            }
          });
      informer.start();
    } catch (RuntimeException e) {
      informer = null; // every owner of this kind is looked up in the API
    }
    Optional<SharedIndexInformer<GenericKubernetesResource>> started =
        Optional.ofNullable(informer);
    informers.put(key, started);
    return started;
  }

  /** Stops the informers; call once nothing sweeps any more. */
  synchronized void close() {
    closed = true;
    informers.values().forEach(i -> i.ifPresent(SharedIndexInformer::close));
    informers.clear();
  }
}
