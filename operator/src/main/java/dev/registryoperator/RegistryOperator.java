package dev.registryoperator;

import dev.registryoperator.common.EventRecorder;
import dev.registryoperator.gc.GcScheduleReconciler;
import dev.registryoperator.registry.MaintenanceLock;
import dev.registryoperator.registry.RegistryReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;

/** Wires the controllers into an Operator. Used by {@link Main} and by tests alike. */
public final class RegistryOperator {
  private RegistryOperator() {}

  /**
   * An Operator that does not use server-side apply for the primary resource's status nor for
   * matching (design.md §5): the shipped code path is the one tests exercise.
   */
  public static Operator create(KubernetesClient client, Clock clock) {
    Operator operator =
        new Operator(
            overrider ->
                overrider
                    .withKubernetesClient(client)
                    .withSSABasedCreateUpdateMatchForDependentResources(false)
                    .withUseSSAToPatchPrimaryResource(false)
                    .withCloseClientOnStop(false)
                    .withStopOnInformerErrorDuringStartup(true));
    EventRecorder events = new EventRecorder(client, clock);
    MaintenanceLock lock = new MaintenanceLock(client);
    operator.register(new RegistryReconciler(events, lock, clock));
    operator.register(new GcScheduleReconciler(events, lock, clock));
    return operator;
  }
}
