package dev.registryoperator.common;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the operator keeps of a cached object: only what its reconcilers read. A cached pod keeps
 * its metadata (labels, annotations, owners, deletion), its whole status (phase, conditions,
 * container states), and of its spec each container's name, image and environment (whether it
 * serves read-only, how many containers must terminate) and the node. Volumes, probes, resources,
 * security contexts, commands and the rest are dropped: at 1,000 registries two caches hold every
 * registry pod. Server-side apply's {@code managedFields} are dropped from every cached object.
 *
 * <p>Objects are changed in place: they come straight from the informer's deserialisation and are
 * not shared. Pods read from the API (not the cache), such as the workloads retention protects, are
 * never pruned.
 */
public final class CachePruning {
  private CachePruning() {}

  /** {@code object} without {@code metadata.managedFields}. */
  public static <T extends HasMetadata> T withoutManagedFields(T object) {
    if (object != null && object.getMetadata() != null) {
      object.getMetadata().setManagedFields(null);
    }
    return object;
  }

  /** {@code pod} with only what the reconcilers read (see the class comment). */
  public static Pod prune(Pod pod) {
    withoutManagedFields(pod);
    PodSpec spec = pod == null ? null : pod.getSpec();
    if (spec != null) {
      PodSpec kept = new PodSpec();
      kept.setContainers(containers(spec.getContainers()));
      kept.setInitContainers(containers(spec.getInitContainers()));
      kept.setNodeName(spec.getNodeName());
      pod.setSpec(kept);
    }
    return pod;
  }

  private static List<Container> containers(List<Container> containers) {
    if (containers == null) {
      return null;
    }
    return containers.stream()
        .map(
            c -> {
              Container kept = new Container();
              kept.setName(c.getName());
              kept.setImage(c.getImage());
              kept.setEnv(c.getEnv());
              return kept;
            })
        .collect(Collectors.toCollection(ArrayList::new));
  }
}
