package dev.registryoperator.registry;

import dev.registryoperator.common.CachePruning;
import dev.registryoperator.common.Labels;
import dev.registryoperator.common.PruningItemStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The informers the Registry reconciler reads from, each selecting only what the operator manages
 * (the managed-by label); objects map back to their Registry through the instance label. A user's
 * Secrets (htpasswd, TLS, S3 credentials) are not watched: the reconciler reads them by name in the
 * Registry's namespace, and looks again on a timer (RegistryReconciler.SecretRechecks).
 */
final class RegistryEventSources {
  static final String SECRET_INDEX = "registry-secret-refs";

  private RegistryEventSources() {}

  static List<EventSource<?, Registry>> create(EventSourceContext<Registry> context) {
    String managed = Labels.MANAGED_SELECTOR;
    return List.of(
        informer(context, Deployment.class, managed, CachePruning::withoutManagedFields),
        informer(context, Service.class, managed, CachePruning::withoutManagedFields),
        informer(context, PersistentVolumeClaim.class, managed, CachePruning::withoutManagedFields),
        // registry pods and GC pods alike: a live GC collect pod keeps its registry in maintenance
        informer(context, Pod.class, managed, CachePruning::prune),
        // only the Secrets the operator made (config, HTTP secret); a user's Secrets are read by
        // name
        informer(context, Secret.class, managed, CachePruning::withoutManagedFields));
  }

  private static <R extends HasMetadata> InformerEventSource<R, Registry> informer(
      EventSourceContext<Registry> context,
      Class<R> type,
      String labelSelector,
      UnaryOperator<R> prune) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(type, Registry.class)
            .withLabelSelector(labelSelector)
            .withItemStore(PruningItemStore.forEventSource(context, prune))
            .withSecondaryToPrimaryMapper(RegistryEventSources::byInstanceLabel)
            .build(),
        context);
  }

  private static Set<ResourceID> byInstanceLabel(HasMetadata object) {
    Map<String, String> labels = object.getMetadata().getLabels();
    if (labels == null
        || !Labels.MANAGER.equals(labels.get(Labels.MANAGED_BY))
        || labels.get(Labels.INSTANCE) == null) {
      return Set.of();
    }
    return Set.of(new ResourceID(labels.get(Labels.INSTANCE), object.getMetadata().getNamespace()));
  }

  static List<String> referencedSecrets(RegistrySpec spec) {
    List<String> names = new ArrayList<>();
    if (spec == null) {
      return names;
    }
    if (spec.getAuth() != null
        && spec.getAuth().getHtpasswd() != null
        && spec.getAuth().getHtpasswd().getSecretRef() != null) {
      names.add(spec.getAuth().getHtpasswd().getSecretRef().getName());
    }
    if (spec.getTls() != null && spec.getTls().getSecretRef() != null) {
      names.add(spec.getTls().getSecretRef().getName());
    }
    if (spec.getStorage() != null
        && spec.getStorage().getS3() != null
        && spec.getStorage().getS3().getCredentialsSecretRef() != null) {
      names.add(spec.getStorage().getS3().getCredentialsSecretRef().getName());
    }
    names.removeIf(n -> n == null);
    return names;
  }
}
