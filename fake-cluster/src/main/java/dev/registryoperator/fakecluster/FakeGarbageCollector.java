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
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Plays the owner-reference garbage collector: an object of one of the watched types whose owners
 * are all gone (not found, or found with another uid) is deleted in the background. Owners may be
 * of any kind, custom resources included; they are looked up by apiVersion, kind (plural derived
 * from it), namespace and name, and must be namespaced. Its own deletions are background ones.
 *
 * <p>A Job or Deployment deleted in the foreground (the API server keeps it, marked, with the
 * {@value CrudApiDispatcher#FOREGROUND_FINALIZER} finalizer) has its dependents deleted; once none
 * is left (a pod is gone when its containers have stopped), the finalizer is removed and the API
 * server deletes the owner. So the owner stays visible as long as its pods may run, as on a real
 * cluster. Orphaning is not honoured.
 *
 * <p>Like the real one it works from events: a sweep (every {@code gcInterval}) looks at the
 * dependents that were added or changed, and at those of owners that went, since the last one;
 * every {@value #FULL_SWEEP_EVERY}th sweep looks at every dependent, in case an owner went unseen.
 * Looking at every dependent on every sweep cost a core at a thousand registries.
 */
final class FakeGarbageCollector {
  static final int FULL_SWEEP_EVERY = 20;

  private record OwnerKey(
      String namespace, String apiVersion, String kind, String name, String uid) {}

  private final SimContext ctx;
  private final OwnerCache owners;
  private final List<SharedIndexInformer<? extends HasMetadata>> informers = new ArrayList<>();
  private final Set<String> goneOwners = new HashSet<>();
  private final Set<String> deleted = new HashSet<>();

  /** Dependents to look at on the next sweep, by uid, as last seen. */
  private Map<String, HasMetadata> dirty = new LinkedHashMap<>();

  /** Dependents (by uid, as last seen) of each owner uid. */
  private final Map<String, Map<String, HasMetadata>> dependents = new HashMap<>();

  private final Map<String, ResourceDefinitionContext> kinds = new HashMap<>();
  private int sweeps;

  FakeGarbageCollector(SimContext ctx, OwnerCache owners) {
    this.ctx = ctx;
    this.owners = owners;
  }

  void watch(SharedIndexInformer<? extends HasMetadata> informer) {
    informers.add(informer);
  }

  /** An object of a watched type was added or changed. */
  void changed(HasMetadata o) {
    List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
    if (refs == null || refs.isEmpty()) {
      return;
    }
    String uid = o.getMetadata().getUid();
    for (OwnerReference r : refs) {
      dependents.computeIfAbsent(r.getUid(), u -> new HashMap<>()).put(uid, o);
    }
    dirty.put(uid, o);
  }

  /** An object of a watched type went. */
  void forget(HasMetadata o) {
    String uid = o.getMetadata().getUid();
    List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
    if (refs != null) {
      for (OwnerReference r : refs) {
        Map<String, HasMetadata> of = dependents.get(r.getUid());
        if (of != null) {
          of.remove(uid);
          if (of.isEmpty()) {
            dependents.remove(r.getUid());
          }
        }
      }
    }
    dirty.remove(uid);
  }

  /** An owner (of any kind) went: its dependents are looked at on the next sweep. */
  void ownerGone(String ownerUid) {
    Map<String, HasMetadata> of = dependents.get(ownerUid);
    if (of != null) {
      dirty.putAll(of);
    }
  }

  void sweep() {
    foreground();
    Collection<HasMetadata> candidates;
    if (++sweeps % FULL_SWEEP_EVERY == 0) {
      candidates = new ArrayList<>();
      Collection<String> namespaces = ctx.namespaces();
      for (SharedIndexInformer<? extends HasMetadata> informer : informers) {
        candidates.addAll(objects(informer, namespaces));
      }
      dirty.clear();
    } else {
      if (dirty.isEmpty()) {
        return;
      }
      candidates = dirty.values();
      dirty = new LinkedHashMap<>();
    }
    Map<OwnerKey, Boolean> alive = new HashMap<>();
    for (HasMetadata o : candidates) {
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
                          new OwnerKey(ns, r.getApiVersion(), r.getKind(), r.getName(), r.getUid()),
                          this::exists));
      if (orphan) {
        delete(o, refs.get(0));
      }
    }
  }

  /** Owners deleted in the foreground: their dependents go first, then the owner's finalizer. */
  private void foreground() {
    List<HasMetadata> owners = new ArrayList<>(ctx.jobs.values());
    owners.addAll(ctx.deployments.values());
    for (HasMetadata owner : owners) {
      List<String> finalizers = owner.getMetadata().getFinalizers();
      if (owner.getMetadata().getDeletionTimestamp() == null
          || finalizers == null
          || !finalizers.contains(CrudApiDispatcher.FOREGROUND_FINALIZER)) {
        continue;
      }
      String uid = owner.getMetadata().getUid();
      Map<String, HasMetadata> of = dependents.get(uid);
      if (of == null || of.isEmpty()) {
        releaseForeground(owner, finalizers);
        continue;
      }
      for (HasMetadata dependent : List.copyOf(of.values())) {
        if (dependent.getMetadata().getDeletionTimestamp() == null
            && !deleted.contains(dependent.getMetadata().getUid())) {
          OwnerReference ref =
              dependent.getMetadata().getOwnerReferences().stream()
                  .filter(r -> uid.equals(r.getUid()))
                  .findFirst()
                  .orElseThrow();
          delete(
              dependent,
              ref,
              "owner " + ref.getKind() + "/" + ref.getName() + " deleted in the foreground");
        }
      }
    }
  }

  /**
   * Removes the foreground finalizer with one JSON patch that tests the finalizers as last seen; a
   * change meanwhile (422) or the owner gone (404) leaves it to the next sweep.
   */
  private void releaseForeground(HasMetadata owner, List<String> before) {
    List<String> after = new ArrayList<>(before);
    after.remove(CrudApiDispatcher.FOREGROUND_FINALIZER);
    String patch = SimContext.replaceFinalizers(before, after);
    try {
      ctx.client.resource(owner).patch(SimContext.JSON_PATCH, patch);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404 && e.getCode() != 422 && e.getCode() != 409) {
        throw e;
      }
      return;
    }
    ctx.log.add(
        owner.getKind().toLowerCase(Locale.ROOT),
        owner.getMetadata().getName(),
        "foreground deletion: dependents gone",
        null,
        null);
  }

  /** The informer's objects in {@code namespaces} (all of them for null). */
  private static List<? extends HasMetadata> objects(
      SharedIndexInformer<? extends HasMetadata> informer, Collection<String> namespaces) {
    if (namespaces == null) {
      return informer.getStore().list();
    }
    List<HasMetadata> objects = new ArrayList<>();
    for (String namespace : namespaces) {
      objects.addAll(informer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace));
    }
    return objects;
  }

  private void delete(HasMetadata o, OwnerReference owner) {
    delete(o, owner, "owner " + owner.getKind() + "/" + owner.getName() + " gone");
  }

  private void delete(HasMetadata o, OwnerReference owner, String why) {
    String uid = o.getMetadata().getUid();
    deleted.add(uid);
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

  /**
   * Whether the owner exists. An answer of true for an owner that exists only in the fake's view (a
   * Deployment or Job whose deletion it has not yet observed) or that cannot be told (the API
   * failed) keeps its dependents dirty, to be looked at again.
   */
  private boolean exists(OwnerKey k) {
    if (goneOwners.contains(k.uid())) {
      return false;
    }
    if (ctx.deployments.containsKey(k.uid()) || ctx.jobs.containsKey(k.uid())) {
      return true; // until the fake has observed its deletion, so the log shows that first
    }
    ResourceDefinitionContext rdc =
        kinds.computeIfAbsent(
            k.apiVersion() + "/" + k.kind(),
            x -> {
              int slash = k.apiVersion().indexOf('/');
              return new ResourceDefinitionContext.Builder()
                  .withGroup(slash < 0 ? null : k.apiVersion().substring(0, slash))
                  .withVersion(k.apiVersion().substring(slash + 1))
                  .withKind(k.kind())
                  .withPlural(Pluralize.toPlural(k.kind().toLowerCase(Locale.ROOT)))
                  .withNamespaced(true)
                  .build();
            });
    if (owners.holds(rdc, k.namespace(), k.name(), k.uid())) {
      return true;
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
      ownerGone(k.uid()); // cannot tell: keep the dependents, and look again on the next sweep
      return true;
    }
    boolean exists = owner != null && k.uid().equals(owner.getMetadata().getUid());
    if (!exists) {
      goneOwners.add(k.uid());
    }
    return exists;
  }
}
