package dev.registryoperator.fakecluster;

import io.fabric8.kubernetes.api.Pluralize;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
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
}
