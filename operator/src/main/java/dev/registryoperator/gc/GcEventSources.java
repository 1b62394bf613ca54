package dev.registryoperator.gc;

import dev.registryoperator.common.CachePruning;
import dev.registryoperator.common.Labels;
import dev.registryoperator.common.PruningItemStore;
import dev.registryoperator.registry.Registry;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What wakes a GcSchedule: its Registry (maintenance in effect, restored), the registry's pods
 * (writable ones leaving) while it has a run in progress, its Jobs and their pods. Registry objects
 * map to every GcSchedule that names them, through an index on the GcSchedule cache.
 */
final class GcEventSources {
  static final String REGISTRY_INDEX = "gc-registry-ref";
  static final String POD_INDEX = "gc-pods";

  private GcEventSources() {}

  static List<EventSource<?, GcSchedule>> create(EventSourceContext<GcSchedule> context) {
    context
        .getPrimaryCache()
        .addIndexer(
            REGISTRY_INDEX,
            schedule ->
                schedule.getSpec() == null || schedule.getSpec().getRegistryRef() == null
                    ? List.of()
                    : List.of(
                        key(
                            schedule.getMetadata().getNamespace(),
                            schedule.getSpec().getRegistryRef().getName())));
    return List.of(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Registry.class, GcSchedule.class)
                .withItemStore(
                    PruningItemStore.forEventSource(context, CachePruning::withoutManagedFields))
                .withSecondaryToPrimaryMapper(
                    (Registry registry) ->
                        schedulesOf(
                                context,
                                registry.getMetadata().getNamespace(),
                                registry.getMetadata().getName())
                            .stream()
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context),
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Job.class, GcSchedule.class)
                .withItemStore(
                    PruningItemStore.forEventSource(context, CachePruning::withoutManagedFields))
                .withLabelSelector(
                    Labels.MANAGED_SELECTOR + "," + Labels.COMPONENT + "=" + Labels.COMPONENT_GC)
                .withSecondaryToPrimaryMapper(GcEventSources::bySchedule)
                .build(),
            context),
        pods(context));
  }

  /**
   * Registry pods and GC pods, indexed so that a reconcile finds a registry's pods and a run's pods
   * without looking at every pod of the namespace ({@link #registryPodsKey}, {@link #runPodsKey}).
   */
  private static InformerEventSource<Pod, GcSchedule> pods(EventSourceContext<GcSchedule> context) {
    var pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, GcSchedule.class)
                .withItemStore(PruningItemStore.forEventSource(context, CachePruning::prune))
                .withLabelSelector(Labels.MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper(
                    (Pod pod) -> {
                      Map<String, String> labels = pod.getMetadata().getLabels();
                      if (Labels.COMPONENT_GC.equals(labels.get(Labels.COMPONENT))) {
                        return bySchedule(pod);
                      }
                      String registry = labels.get(Labels.INSTANCE);
                      return registry == null
                          ? Set.of()
                          : withRunInProgress(
                              schedulesOf(context, pod.getMetadata().getNamespace(), registry));
                    })
                .build(),
            context);
    pods.addIndexers(
        Map.of(
            POD_INDEX,
            pod -> {
              Map<String, String> labels = pod.getMetadata().getLabels();
              String namespace = pod.getMetadata().getNamespace();
              if (labels == null) {
                return List.of();
              }
              if (Labels.COMPONENT_GC.equals(labels.get(Labels.COMPONENT))) {
                String schedule = labels.get(GcJob.SCHEDULE_LABEL);
                String run = labels.get(GcJob.RUN_LABEL);
                return schedule == null || run == null
                    ? List.of()
                    : List.of(runPodsKey(namespace, schedule, run));
              }
              String registry = labels.get(Labels.INSTANCE);
              return Labels.COMPONENT_REGISTRY.equals(labels.get(Labels.COMPONENT))
                      && registry != null
                  ? List.of(registryPodsKey(namespace, registry))
                  : List.of();
            }));
    return pods;
  }

  /** The index key of a registry's own pods. */
  static String registryPodsKey(String namespace, String registry) {
    return "registry/" + key(namespace, registry);
  }

  /** The index key of the pods of one run of a GcSchedule (its preview and collect Jobs'). */
  static String runPodsKey(String namespace, String schedule, String runId) {
    return "run/" + key(namespace, schedule) + "/" + runId;
  }

  /**
   * The schedules a registry pod's change wakes: those with a run in progress, whose steps wait on
   * the registry's pods. An idle schedule never reads them (a run's first step reads the cache), so
   * the pods' many status changes while registries start do not reconcile every schedule.
   */
  static Set<ResourceID> withRunInProgress(Collection<GcSchedule> schedulesOfRegistry) {
    return schedulesOfRegistry.stream()
        .filter(s -> s.getStatus() != null && s.getStatus().getCurrentRun() != null)
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  /** The GcSchedules that name {@code namespace/registry}, from the index on their cache. */
  private static List<GcSchedule> schedulesOf(
      EventSourceContext<GcSchedule> context, String namespace, String registry) {
    return context.getPrimaryCache().byIndex(REGISTRY_INDEX, key(namespace, registry));
  }

  private static Set<ResourceID> bySchedule(HasMetadata object) {
    Map<String, String> labels = object.getMetadata().getLabels();
    String schedule = labels == null ? null : labels.get(GcJob.SCHEDULE_LABEL);
    return schedule == null
        ? Set.of()
        : Set.of(new ResourceID(schedule, object.getMetadata().getNamespace()));
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
