package dev.registryoperator.scale;

import dev.registryoperator.common.Conditions;
import dev.registryoperator.gc.GcRunRecord;
import dev.registryoperator.gc.GcRunStatus;
import dev.registryoperator.gc.GcSchedule;
import dev.registryoperator.gc.GcScheduleStatus;
import dev.registryoperator.registry.Registry;
import dev.registryoperator.registry.RegistryStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What a user would watch ({@code kubectl get registries,gcschedules -w}): informers on both kinds
 * that tell, on every change, whether each object has converged and whether it recorded the burst's
 * run. One watch per kind, so measuring costs the mock little.
 *
 * <p>Converged: a Registry whose status describes its generation with {@code Ready=True}; a
 * GcSchedule whose status describes its generation with {@code Ready=True}, a {@code Running}
 * condition and a {@code nextRunTime} (its cron was read).
 */
final class StatusWatch implements AutoCloseable {
  private final SharedIndexInformer<Registry> registries;
  private final SharedIndexInformer<GcSchedule> schedules;
  private final Set<String> convergedKeys = ConcurrentHashMap.newKeySet();
  private final Set<String> recordedKeys = ConcurrentHashMap.newKeySet();
  private final int expected;
  private volatile Instant convergedAt;
  private volatile Instant recordedAt;
  private volatile String burstRequest;

  StatusWatch(KubernetesClient client, int pairs) {
    this.expected = 2 * pairs;
    registries = client.resources(Registry.class).inAnyNamespace().runnableInformer(0);
    schedules = client.resources(GcSchedule.class).inAnyNamespace().runnableInformer(0);
    registries.addEventHandler(handler(StatusWatch::converged, r -> false));
    schedules.addEventHandler(handler(StatusWatch::converged, this::recorded));
    registries.start().toCompletableFuture().join();
    schedules.start().toCompletableFuture().join();
  }

  private <T extends HasMetadata> ResourceEventHandler<T> handler(
      Predicate<T> converged, Predicate<T> recorded) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        seen(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        seen(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        convergedKeys.remove(key(obj));
        recordedKeys.remove(key(obj));
      }

      private void seen(T obj) {
        String key = key(obj);
        if (converged.test(obj)) {
          convergedKeys.add(key);
          if (convergedAt == null && convergedKeys.size() >= expected) {
            convergedAt = Instant.now();
          }
        } else {
          convergedKeys.remove(key);
        }
        if (burstRequest != null && recorded.test(obj) && recordedKeys.add(key)) {
          if (recordedKeys.size() >= expected / 2) {
            recordedAt = Instant.now();
          }
        }
      }
    };
  }

  private static String key(HasMetadata o) {
    return o.getKind() + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  static boolean converged(Registry r) {
    RegistryStatus s = r.getStatus();
    return s != null
        && Objects.equals(s.getObservedGeneration(), r.getMetadata().getGeneration())
        && isTrue(s.getConditions(), "Ready");
  }

  static boolean converged(GcSchedule g) {
    GcScheduleStatus s = g.getStatus();
    return s != null
        && Objects.equals(s.getObservedGeneration(), g.getMetadata().getGeneration())
        && isTrue(s.getConditions(), "Ready")
        && Conditions.find(s.getConditions(), "Running").isPresent()
        && s.getNextRunTime() != null;
  }

  private boolean recorded(GcSchedule g) {
    GcRunRecord last = g.getStatus() == null ? null : g.getStatus().getLastRun();
    return last != null && burstRequest.equals(last.getRunRequest());
  }

  private static boolean isTrue(List<Condition> conditions, String type) {
    return Conditions.find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /** Objects converged now. */
  int converged() {
    return convergedKeys.size();
  }

  int expected() {
    return expected;
  }

  /** When every object was first seen converged at once, or null. */
  Instant convergedAt() {
    return convergedAt;
  }

  /** From now on, counts GcSchedules whose {@code lastRun.runRequest} is {@code value}. */
  void expectBurst(String value) {
    recordedKeys.clear();
    recordedAt = null;
    burstRequest = value;
    schedules
        .getStore()
        .list()
        .forEach(
            g -> {
              if (recorded(g)) {
                recordedKeys.add(key(g));
              }
            });
  }

  int recorded() {
    return recordedKeys.size();
  }

  /** When the last GcSchedule recorded the burst's run, or null. */
  Instant recordedAt() {
    return recordedAt;
  }

  /** Results of the burst's runs, as {@code Succeeded Collected: 998}. */
  Map<String, Long> burstResults() {
    return schedules.getStore().list().stream()
        .map(g -> g.getStatus() == null ? null : g.getStatus().getLastRun())
        .filter(r -> r != null && burstRequest != null && burstRequest.equals(r.getRunRequest()))
        .collect(
            Collectors.groupingBy(
                r -> r.getResult() + " " + r.getReason(), TreeMap::new, Collectors.counting()));
  }

  /** Where the runs not yet recorded are, as {@code Quiescing: 1 writable of 1 pods remain}. */
  Map<String, Long> pendingRuns() {
    return schedules.getStore().list().stream()
        .filter(g -> !recordedKeys.contains(key(g)))
        .map(
            g -> {
              GcRunStatus run = g.getStatus() == null ? null : g.getStatus().getCurrentRun();
              return run == null
                  ? "no run yet"
                  : run.getStep()
                      + ": "
                      + String.valueOf(run.getMessage()).replaceAll("[0-9]+", "#");
            })
        .collect(Collectors.groupingBy(s -> s, TreeMap::new, Collectors.counting()));
  }

  /** Up to {@code n} GcSchedules whose run is not recorded yet: their Registries' names. */
  List<String> pendingRegistries(int n) {
    return schedules.getStore().list().stream()
        .filter(g -> !recordedKeys.contains(key(g)))
        .map(g -> g.getMetadata().getNamespace() + "/" + g.getSpec().getRegistryRef().getName())
        .sorted()
        .limit(n)
        .toList();
  }

  /** Why objects have not converged, as {@code Registry Ready=False Progressing: 12}. */
  Map<String, Long> notConverged() {
    Map<String, Long> out = new TreeMap<>();
    for (Registry r : registries.getStore().list()) {
      if (!converged(r)) {
        out.merge(
            "Registry " + why(r.getStatus() == null ? null : r.getStatus().getConditions()),
            1L,
            Long::sum);
      }
    }
    for (GcSchedule g : schedules.getStore().list()) {
      if (!converged(g)) {
        out.merge(
            "GcSchedule " + why(g.getStatus() == null ? null : g.getStatus().getConditions()),
            1L,
            Long::sum);
      }
    }
    return out;
  }

  private static String why(List<Condition> conditions) {
    if (conditions == null) {
      return "no status";
    }
    return Conditions.find(conditions, "Ready")
        .map(c -> "Ready=" + c.getStatus() + " " + c.getReason())
        .orElse("no Ready condition");
  }

  @Override
  public void close() {
    registries.close();
    schedules.close();
  }
}
