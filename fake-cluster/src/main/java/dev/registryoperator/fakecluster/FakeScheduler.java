package dev.registryoperator.fakecluster;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Binds pending pods to nodes. Honours {@code spec.nodeName} and required pod affinity (every node
 * is its own topology domain, whatever the topologyKey), including the rule that a pod matching its
 * own affinity terms may go anywhere when no placed pod matches them; pods without affinity go
 * round-robin. A pod that fits nowhere stays Pending with {@code PodScheduled=False, reason
 * Unschedulable} and is retried on every tick. Pods counted for affinity: those bound to a node
 * whose containers have not ended, terminating ones included (as in the real scheduler's cache);
 * pods the fake kubelet does not run are seen through the pod informer's cache.
 */
final class FakeScheduler {
  private final SimContext ctx;
  private int next;

  FakeScheduler(SimContext ctx) {
    this.ctx = ctx;
  }

  void trySchedule(PodRecord r) {
    Optional<String> node =
        r.pod.getSpec().getNodeName() != null
            ? Optional.of(r.pod.getSpec().getNodeName())
            : chooseNode(r);
    if (node.isEmpty()) {
      if (!r.unschedulableReported) {
        r.unschedulableReported = true;
        int n = ctx.settings.nodes().size();
        ctx.writePodStatus(
            r,
            PodStatuses.unschedulable(
                "0/"
                    + n
                    + " nodes are available: "
                    + n
                    + " node(s) didn't match pod affinity rules."));
        ctx.log.add("pod", r.name, "unschedulable", r.owner(), "pod affinity");
      }
      return;
    }
    try {
      r.pod =
          ctx.client
              .resource(SimContext.named(new Pod(), r.namespace, r.name))
              .patch(
                  PatchContext.of(PatchType.JSON_MERGE),
                  "{\"spec\":{\"nodeName\":\"" + node.get() + "\"}}");
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return; // deleted meanwhile; the informer will say so
      }
      throw e;
    }
    r.nodeName = node.get();
    r.state = PodRecord.State.Scheduled;
    ctx.writePodStatus(r, PodStatuses.scheduled());
    ctx.log.add("pod", r.name, "scheduled node=" + r.nodeName, r.owner(), null);
  }

  private Optional<String> chooseNode(PodRecord r) {
    List<PodAffinityTerm> terms = requiredAffinity(r.pod);
    List<String> nodes = ctx.settings.nodes();
    if (terms.isEmpty()) {
      return Optional.of(nodes.get(next++ % nodes.size()));
    }
    List<Pod> placed = placedPods(r.uid, namespaces(terms, r.pod));
    // As kube-scheduler's InterPodAffinity: when no placed pod matches any term and the pod matches
    // its own terms, it may go anywhere (the first pod of a set that wants to stay together).
    boolean noneMatch =
        terms.stream().noneMatch(t -> placed.stream().anyMatch(p -> matches(t, r.pod, p)));
    boolean matchesItself = terms.stream().allMatch(t -> matches(t, r.pod, r.pod));
    if (noneMatch && matchesItself) {
      return Optional.of(nodes.get(next++ % nodes.size()));
    }
    return nodes.stream()
        .filter(
            node ->
                terms.stream()
                    .allMatch(
                        t ->
                            placed.stream()
                                .anyMatch(
                                    p ->
                                        node.equals(p.getSpec().getNodeName())
                                            && matches(t, r.pod, p))))
        .findFirst();
  }

  private static List<PodAffinityTerm> requiredAffinity(Pod pod) {
    var affinity = pod.getSpec().getAffinity();
    if (affinity == null
        || affinity.getPodAffinity() == null
        || affinity.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      return List.of();
    }
    return affinity.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
  }

  /** The namespaces whose pods the terms select: their own, or the pod's. */
  private static Set<String> namespaces(List<PodAffinityTerm> terms, Pod pod) {
    Set<String> namespaces = new LinkedHashSet<>();
    for (PodAffinityTerm t : terms) {
      if (t.getNamespaces() == null || t.getNamespaces().isEmpty()) {
        namespaces.add(pod.getMetadata().getNamespace());
      } else {
        namespaces.addAll(t.getNamespaces());
      }
    }
    return namespaces;
  }

  /**
   * Pods of {@code namespaces} bound to a node whose containers may run: ours from the table,
   * others from the pod informer's cache (listing every pod from the API for each pod to place made
   * a burst of new pods quadratic, and stalled it at a thousand registries).
   */
  private List<Pod> placedPods(String exceptUid, Set<String> namespaces) {
    List<Pod> placed = new ArrayList<>();
    for (String namespace : namespaces) {
      for (PodRecord o : ctx.pods.inNamespace(namespace)) {
        if (!o.uid.equals(exceptUid) && o.nodeName != null && !o.finished() && !o.gone()) {
          placed.add(o.pod);
        }
      }
    }
    for (String namespace : namespaces) {
      for (Pod p : ctx.podCache().byIndex(Cache.NAMESPACE_INDEX, namespace)) {
        boolean ours = ctx.pods.get(p.getMetadata().getUid()).isPresent();
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        if (!ours
            && p.getSpec().getNodeName() != null
            && !"Succeeded".equals(phase)
            && !"Failed".equals(phase)) {
          placed.add(p);
        }
      }
    }
    return placed;
  }

  private static boolean matches(PodAffinityTerm term, Pod pod, Pod candidate) {
    List<String> namespaces =
        term.getNamespaces() == null || term.getNamespaces().isEmpty()
            ? List.of(pod.getMetadata().getNamespace())
            : term.getNamespaces();
    return namespaces.contains(candidate.getMetadata().getNamespace())
        && selects(term.getLabelSelector(), candidate.getMetadata().getLabels());
  }

  /** Label selector semantics, set-based expressions included. A null selector selects nothing. */
  static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    Map<String, String> l = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (var e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(l.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement req : selector.getMatchExpressions()) {
        String v = l.get(req.getKey());
        List<String> values = req.getValues() == null ? List.of() : req.getValues();
        boolean ok =
            switch (req.getOperator()) {
              case "In" -> v != null && values.contains(v);
              case "NotIn" -> v == null || !values.contains(v);
              case "Exists" -> v != null;
              case "DoesNotExist" -> v == null;
              default -> false;
            };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }
}
