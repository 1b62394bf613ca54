package dev.registryoperator.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
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
      if (create(client, desired)) {
        return Outcome.Created;
      }
      actual = client.resource(desired).get(); // created meanwhile; the cache has not seen it yet
      if (actual == null) {
        throw new KubernetesClientException(
            "conflict creating " + desired.getKind() + " " + desired.getMetadata().getName(),
            409,
            null);
      }
    }
    desired = adoptQuantitySpellings(desired, actual);
    if (GenericKubernetesResourceMatcher.match(desired, actual, context).matched()) {
      return Outcome.Unchanged;
    }
    R merged = mergeForUpdate(desired, actual);
    client.resource(merged).update();
    LOG.info(
        "Updated {} {}/{} to the desired state",
        desired.getKind(),
        desired.getMetadata().getNamespace(),
        desired.getMetadata().getName());
    return Outcome.Updated;
  }

  /**
   * Creates {@code desired} unless it exists; an object created meanwhile by someone else (409) is
   * kept as it is, never overwritten: for values generated once, such as a random secret.
   */
  public static <R extends HasMetadata> Outcome createIfMissing(
      KubernetesClient client, R desired) {
    if (create(client, desired)) {
      return Outcome.Created;
    }
    LOG.info(
        "{} {}/{} exists already; kept as it is",
        desired.getKind(),
        desired.getMetadata().getNamespace(),
        desired.getMetadata().getName());
    return Outcome.Unchanged;
  }

  /** Creates {@code desired}; false when it exists already (409). */
  private static boolean create(KubernetesClient client, HasMetadata desired) {
    try {
      client.resource(desired).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return false;
      }
      throw e;
    }
    LOG.info(
        "Created {} {}/{}",
        desired.getKind(),
        desired.getMetadata().getNamespace(),
        desired.getMetadata().getName());
    return true;
  }

  /**
   * {@code desired} with each quantity under a {@code requests} or {@code limits} map spelled as on
   * {@code actual} where the two are numerically equal: an API server stores quantities in
   * canonical form ({@code 1024Mi} as {@code 1Gi}, {@code 0.5} as {@code 500m}), and a text
   * comparison would update the object at every reconcile.
   */
  @SuppressWarnings("unchecked")
  static <R extends HasMetadata> R adoptQuantitySpellings(R desired, R actual) {
    var mapper = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper();
    JsonNode wanted = mapper.valueToTree(desired);
    if (!adopt(wanted, mapper.valueToTree(actual), false)) {
      return desired;
    }
    try {
      return (R) mapper.treeToValue(wanted, desired.getClass());
    } catch (JsonProcessingException e) {
      return desired;
    }
  }

  private static boolean adopt(JsonNode wanted, JsonNode seen, boolean quantities) {
    boolean changed = false;
    if (wanted instanceof ObjectNode object && seen != null && seen.isObject()) {
      var names = new java.util.ArrayList<String>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode w = object.get(name);
        JsonNode a = seen.get(name);
        if (quantities && w.isTextual() && a != null && a.isTextual()) {
          if (!w.asText().equals(a.asText()) && numericallyEqual(w.asText(), a.asText())) {
            object.put(name, a.asText());
            changed = true;
          }
        } else {
          changed |= adopt(w, a, "requests".equals(name) || "limits".equals(name));
        }
      }
    } else if (wanted instanceof ArrayNode array && seen != null && seen.isArray()) {
      for (int i = 0; i < array.size() && i < seen.size(); i++) {
        changed |= adopt(array.get(i), seen.get(i), false);
      }
    }
    return changed;
  }

  private static boolean numericallyEqual(String a, String b) {
    try {
      return new Quantity(a).getNumericalAmount().compareTo(new Quantity(b).getNumericalAmount())
          == 0;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * The desired object, carrying what others own on the actual one: its resourceVersion (so a
   * concurrent change fails the update instead of being lost), foreign labels and annotations, and
   * the fields the API server assigns.
   */
  static <R extends HasMetadata> R mergeForUpdate(R desired, R actual) {
    R merged = io.fabric8.kubernetes.client.utils.Serialization.clone(desired);
    merged.getMetadata().setResourceVersion(actual.getMetadata().getResourceVersion());
    merged
        .getMetadata()
        .setLabels(union(actual.getMetadata().getLabels(), desired.getMetadata().getLabels()));
    merged
        .getMetadata()
        .setAnnotations(
            union(actual.getMetadata().getAnnotations(), desired.getMetadata().getAnnotations()));
    merged.getMetadata().setFinalizers(actual.getMetadata().getFinalizers());
    if (merged instanceof Service service
        && actual instanceof Service actualService
        && actualService.getSpec() != null) {
      service.getSpec().setClusterIP(actualService.getSpec().getClusterIP());
      service.getSpec().setClusterIPs(actualService.getSpec().getClusterIPs());
      service.getSpec().setIpFamilies(actualService.getSpec().getIpFamilies());
      service.getSpec().setIpFamilyPolicy(actualService.getSpec().getIpFamilyPolicy());
    }
    return merged;
  }

  private static Map<String, String> union(
      Map<String, String> actual, Map<String, String> desired) {
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
