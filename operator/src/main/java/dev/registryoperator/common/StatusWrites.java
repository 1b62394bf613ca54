package dev.registryoperator.common;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.util.List;

/** How both reconcilers write status and report a refused spec: once, the same way. */
public final class StatusWrites {
  private StatusWrites() {}

  /**
   * Writes {@code status} when it differs from the resource's: a PUT carrying the resourceVersion
   * it was computed from (a stale write is refused and retried), then cached, so the next reconcile
   * starts from it. A JSON patch computed against a stale cached copy would address fields that are
   * no longer there.
   */
  public static <S, R extends CustomResource<?, S>> UpdateControl<R> putIfChanged(
      R resource, S status, Context<R> context) {
    if (resource.getStatus() != null
        && Serialization.asJson(resource.getStatus()).equals(Serialization.asJson(status))) {
      return UpdateControl.noUpdate();
    }
    PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
        resource,
        context,
        r -> {
          r.setStatus(status);
          return r;
        });
    return UpdateControl.noUpdate();
  }

  /**
   * True when {@code conditions} already report this reason and message on {@code type}: the
   * Warning event for it was sent then, and is not sent at every reconcile.
   */
  public static boolean alreadyReported(
      List<Condition> conditions, String type, Enum<?> reason, String message) {
    return Conditions.find(conditions, type)
        .filter(c -> reason.name().equals(c.getReason()) && message.equals(c.getMessage()))
        .isPresent();
  }
}
