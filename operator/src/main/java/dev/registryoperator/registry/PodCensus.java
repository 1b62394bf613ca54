package dev.registryoperator.registry;

import dev.registryoperator.common.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Collection;
import java.util.Map;

/**
 * What the observed registry pods prove. A pod counts until it is gone: a terminating pod may
 * still accept a push, so it is writable unless it was started read-only. Pure.
 */
public record PodCensus(int total, int terminating, int ready, int readyCurrent, int stale, int writable) {

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
      Map<String, String> labels = pod.getMetadata().getLabels();
      if (labels == null || !"true".equals(labels.get(Labels.READ_ONLY))) {
        writable++;
      }
      boolean current = desiredTemplateHash != null && desiredTemplateHash.equals(templateHash(pod));
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

  /** The rollout to the desired template is complete: exactly the desired pods, all current and ready. */
  public boolean rolledOut(int desiredReplicas) {
    return readyCurrent == desiredReplicas && stale == 0 && terminating == 0 && total == desiredReplicas;
  }

  public static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
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
