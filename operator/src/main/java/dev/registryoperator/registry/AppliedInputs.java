package dev.registryoperator.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Collection;
import java.util.Comparator;

/**
 * Everything a Registry's owned objects are built from, and what those objects are now, as one
 * string. When it equals the string of the last reconcile that found every object as desired (and
 * wrote nothing), building and comparing them again would find the same: the reconcile skips it.
 *
 * <p>Conservative by construction: any change of the Registry (spec by generation, labels,
 * annotations: the maintenance lock and the last GC's restart token are annotations), of its
 * serving mode, of a referenced Secret, or of any owned object gives another string. A Deployment
 * counts by generation, labels and annotations (its status changes with every pod, and status is
 * not what the operator sets); the other objects by resourceVersion, which changes with every
 * write, a hand edit included.
 */
final class AppliedInputs {
  private AppliedInputs() {}

  static String of(
      Registry registry,
      ServingMode mode,
      Collection<Secret> userSecrets,
      Deployment deployment,
      Collection<? extends HasMetadata> owned) {
    StringBuilder s = new StringBuilder(256);
    ObjectMeta meta = registry.getMetadata();
    s.append(meta.getUid()).append('|').append(versionOf(meta));
    s.append('|').append(meta.getLabels()).append('|').append(meta.getAnnotations());
    s.append('|').append(mode);
    userSecrets.stream()
        .sorted(Comparator.comparing(x -> x.getMetadata().getName()))
        .forEach(x -> s.append('|').append(x.getMetadata().getName()).append('@').append(rv(x)));
    if (deployment == null) {
      s.append("|deployment:-");
    } else {
      ObjectMeta d = deployment.getMetadata();
      s.append("|deployment:").append(versionOf(d));
      s.append(d.getLabels()).append(d.getAnnotations()).append(d.getOwnerReferences());
    }
    for (HasMetadata o : owned) {
      s.append('|').append(o == null ? "-" : o.getKind() + "/" + o.getMetadata().getName());
      s.append('@').append(o == null ? "-" : rv(o));
    }
    return s.toString();
  }

  /** The generation, or the resourceVersion when there is none (more changes, never fewer). */
  private static String versionOf(ObjectMeta meta) {
    return meta.getGeneration() != null
        ? "g" + meta.getGeneration()
        : "rv" + meta.getResourceVersion();
  }

  private static String rv(HasMetadata o) {
    return o.getMetadata().getResourceVersion();
  }
}
