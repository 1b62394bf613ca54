package dev.registryoperator.fakecluster;

import io.fabric8.kubernetes.api.Pluralize;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Plays the owner-reference garbage collector: an object of one of the watched types whose owners
 * are all gone (not found, or found with another uid) is deleted in the background. Owners may be
 * of any kind, custom resources included; they are looked up by apiVersion, kind (plural derived
 * from it), namespace and name, and must be namespaced. Deletion is always background: the mock
 * deletes an owner at once whatever the propagation policy (no foreground wait, and orphaning is
 * not honoured).
 */
final class FakeGarbageCollector {
  private record OwnerKey(
      String namespace, String apiVersion, String kind, String name, String uid) {}

  private final SimContext ctx;
  private final List<SharedIndexInformer<? extends HasMetadata>> informers = new ArrayList<>();
  private final Set<String> goneOwners = new HashSet<>();
  private final Set<String> deleted = new HashSet<>();

  /**
   * Owners of each kind ({@code apiVersion/kind}) as an informer sees them, started at the first
   * dependent of that kind: an owner found there is alive without a request. Asking the API for
   * every owner on every sweep (every 100 ms) took thousands of requests a second at a thousand
   * registries, on the thread that also runs the controllers and the kubelet.
   */
  private final Map<String, SharedIndexInformer<GenericKubernetesResource>> owners =
      new HashMap<>();

  FakeGarbageCollector(SimContext ctx) {
    this.ctx = ctx;
  }

  void watch(SharedIndexInformer<? extends HasMetadata> informer) {
    informers.add(informer);
  }

  void sweep() {
    Map<OwnerKey, Boolean> alive = new HashMap<>();
    for (SharedIndexInformer<? extends HasMetadata> informer : informers) {
      for (HasMetadata o : informer.getStore().list()) {
        List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
        if (refs == null
            || refs.isEmpty()
            || o.getMetadata().getDeletionTimestamp() != null
            || deleted.contains(o.getMetadata().getUid())) {
          continue;
        }
        String ns = o.getMetadata().getNamespace();
        boolean orphan =
            refs.stream()
                .noneMatch(
                    r ->
                        alive.computeIfAbsent(
                            new OwnerKey(
                                ns, r.getApiVersion(), r.getKind(), r.getName(), r.getUid()),
                            this::exists));
        if (orphan) {
          delete(o, refs.get(0));
        }
      }
    }
  }

  private void delete(HasMetadata o, OwnerReference owner) {
    String uid = o.getMetadata().getUid();
    deleted.add(uid);
    String why = "owner " + owner.getKind() + "/" + owner.getName() + " gone";
    var pod = ctx.pods.get(uid);
    if (pod.isPresent()) {
      if (pod.get().terminating || pod.get().gone()) {
        return;
      }
      ctx.log.add("pod", pod.get().name, "deleted by gc", pod.get().owner(), why);
      ctx.deletePod(pod.get(), why);
      return;
    }
    try {
      ctx.client.resource(o).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
    ctx.log.add(
        o.getKind().toLowerCase(Locale.ROOT),
        o.getMetadata().getName(),
        "deleted by gc",
        owner.getKind() + "/" + owner.getName(),
        why);
  }

  private boolean exists(OwnerKey k) {
    if (goneOwners.contains(k.uid())) {
      return false;
    }
    if (ctx.deployments.containsKey(k.uid()) || ctx.jobs.containsKey(k.uid())) {
      return true; // until the fake has observed its deletion, so the log shows that first
    }
    int slash = k.apiVersion().indexOf('/');
    ResourceDefinitionContext rdc =
        new ResourceDefinitionContext.Builder()
            .withGroup(slash < 0 ? null : k.apiVersion().substring(0, slash))
            .withVersion(k.apiVersion().substring(slash + 1))
            .withKind(k.kind())
            .withPlural(Pluralize.toPlural(k.kind().toLowerCase(Locale.ROOT)))
            .withNamespaced(true)
            .build();
    SharedIndexInformer<GenericKubernetesResource> informer = ownerInformer(k, rdc);
    if (informer != null && informer.hasSynced()) {
      GenericKubernetesResource cached =
          informer.getStore().getByKey(Cache.namespaceKeyFunc(k.namespace(), k.name()));
      if (cached != null && k.uid().equals(cached.getMetadata().getUid())) {
        return true;
      }
    }
    // Not in the cache (or it has not synced): ask the API, which has the last word.
    GenericKubernetesResource owner;
    try {
      owner =
          ctx.client
              .genericKubernetesResources(rdc)
              .inNamespace(k.namespace())
              .withName(k.name())
              .get();
    } catch (KubernetesClientException e) {
      return true; // cannot tell: keep the dependent
    }
    boolean exists = owner != null && k.uid().equals(owner.getMetadata().getUid());
    if (!exists) {
      goneOwners.add(k.uid());
    }
    return exists;
  }

  private SharedIndexInformer<GenericKubernetesResource> ownerInformer(
      OwnerKey k, ResourceDefinitionContext rdc) {
    String kind = k.apiVersion() + "/" + k.kind();
    if (owners.containsKey(kind)) {
      return owners.get(kind);
    }
    SharedIndexInformer<GenericKubernetesResource> informer = null;
    try {
      var ops = ctx.client.genericKubernetesResources(rdc);
      informer =
          (ctx.settings.namespace() == null
                  ? ops.inAnyNamespace()
                  : ops.inNamespace(ctx.settings.namespace()))
              .runnableInformer(0);
      informer.start();
    } catch (RuntimeException e) {
      informer = null; // every owner of this kind is looked up in the API
    }
    owners.put(kind, informer);
    return informer;
  }

  /** Stops the owners' informers; call once nothing sweeps any more. */
  void close() {
    owners.values().stream().filter(i -> i != null).forEach(SharedIndexInformer::close);
    owners.clear();
  }
}
