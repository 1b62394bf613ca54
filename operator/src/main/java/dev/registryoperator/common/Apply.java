package dev.registryoperator.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.GenericKubernetesResourceMatcher;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Create-or-update of an owned object without server-side apply (design.md §5). An object that
 * matches the desired one on every field the operator sets is left alone, so defaults a real API
 * server adds never cause an update loop; a field changed by hand is put back.
 */
public final class Apply {
  public enum Outcome {
    Created,
    Updated,
    Unchanged
  }

  private static final Logger LOG = LoggerFactory.getLogger(Apply.class);

  private Apply() {}

  public static <R extends HasMetadata> Outcome apply(
      KubernetesClient client, R desired, R actual, Context<?> context) {
    if (actual == null) {
      try {
        client.resource(desired).create();
        LOG.info("Created {} {}/{}", desired.getKind(), desired.getMetadata().getNamespace(), desired.getMetadata().getName());
        return Outcome.Created;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        actual = client.resource(desired).get(); // created meanwhile; the cache has not seen it yet
        if (actual == null) {
          throw e;
        }
      }
    }
    if (GenericKubernetesResourceMatcher.match(desired, actual, context).matched()) {
      return Outcome.Unchanged;
    }
    R merged = mergeForUpdate(desired, actual);
    client.resource(merged).update();
    LOG.info("Updated {} {}/{} to the desired state", desired.getKind(), desired.getMetadata().getNamespace(), desired.getMetadata().getName());
    return Outcome.Updated;
  }

  /**
   * The desired object, carrying what others own on the actual one: its resourceVersion (so a
   * concurrent change fails the update instead of being lost), foreign labels and annotations, and
   * the fields the API server assigns.
   */
  static <R extends HasMetadata> R mergeForUpdate(R desired, R actual) {
    R merged = io.fabric8.kubernetes.client.utils.Serialization.clone(desired);
    merged.getMetadata().setResourceVersion(actual.getMetadata().getResourceVersion());
    merged.getMetadata().setLabels(union(actual.getMetadata().getLabels(), desired.getMetadata().getLabels()));
    merged.getMetadata().setAnnotations(union(actual.getMetadata().getAnnotations(), desired.getMetadata().getAnnotations()));
    merged.getMetadata().setFinalizers(actual.getMetadata().getFinalizers());
    if (merged instanceof Service service && actual instanceof Service actualService && actualService.getSpec() != null) {
      service.getSpec().setClusterIP(actualService.getSpec().getClusterIP());
      service.getSpec().setClusterIPs(actualService.getSpec().getClusterIPs());
      service.getSpec().setIpFamilies(actualService.getSpec().getIpFamilies());
      service.getSpec().setIpFamilyPolicy(actualService.getSpec().getIpFamilyPolicy());
    }
    return merged;
  }

  private static Map<String, String> union(Map<String, String> actual, Map<String, String> desired) {
    Map<String, String> result = new LinkedHashMap<>();
    if (actual != null) {
      result.putAll(actual);
    }
    if (desired != null) {
      result.putAll(desired);
    }
    return result;
  }
}
