package dev.registryoperator.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Collection;
import java.util.Map;

/**
 * What the observed registry pods prove. A pod counts until it is gone: a terminating pod may still
 * accept a push, so it is writable unless it was started read-only. Read-only is proven by the
 * pod's own spec (its registry container carries {@link RegistryDeployment#READ_ONLY_ENV} with
 * {@code enabled: true}), never by its label, which is only for people and selectors. Pure.
 */
public record PodCensus(
    int total, int terminating, int ready, int readyCurrent, int stale, int writable) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static PodCensus of(Collection<Pod> pods, String desiredTemplateHash) {
    int total = 0;
    int terminating = 0;
    int ready = 0;
    int readyCurrent = 0;
    int stale = 0;
    int writable = 0;
    for (Pod pod : pods) {
      if (isFinished(pod)) {
        continue;
      }
      total++;
      boolean gone = pod.getMetadata().getDeletionTimestamp() != null;
      if (!servesReadOnly(pod)) {
        writable++;
      }
      boolean current =
          desiredTemplateHash != null && desiredTemplateHash.equals(templateHash(pod));
      if (gone) {
        terminating++;
        continue;
      }
      if (!current) {
        stale++;
      }
      if (isReady(pod)) {
        ready++;
        if (current) {
          readyCurrent++;
        }
      }
    }
    return new PodCensus(total, terminating, ready, readyCurrent, stale, writable);
  }

  /**
   * The rollout to the desired template is complete: exactly the desired pods, all current and
   * ready.
   */
  public boolean rolledOut(int desiredReplicas) {
    return readyCurrent == desiredReplicas
        && stale == 0
        && terminating == 0
        && total == desiredReplicas;
  }

  public static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * The pod's registry container was started read-only: the last definition of the variable (the
   * one a container runtime uses) is a literal JSON map with {@code enabled: true}. A value from a
   * Secret or ConfigMap, or any other form, proves nothing.
   */
  public static boolean servesReadOnly(Pod pod) {
    if (pod.getSpec() == null || pod.getSpec().getContainers() == null) {
      return false;
    }
    Container registry =
        pod.getSpec().getContainers().stream()
            .filter(c -> RegistryDeployment.CONTAINER.equals(c.getName()))
            .findFirst()
            .orElse(null);
    if (registry == null || registry.getEnv() == null) {
      return false;
    }
    EnvVar last = null;
    for (EnvVar env : registry.getEnv()) {
      if (RegistryDeployment.READ_ONLY_ENV.equals(env.getName())) {
        last = env;
      }
    }
    if (last == null || last.getValueFrom() != null || last.getValue() == null) {
      return false;
    }
    try {
      JsonNode value = JSON.readTree(last.getValue());
      return value != null
          && value.isObject()
          && value.path("enabled").isBoolean()
          && value.path("enabled").booleanValue();
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  private static boolean isFinished(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static String templateHash(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(RegistryDeployment.TEMPLATE_HASH);
  }
}
