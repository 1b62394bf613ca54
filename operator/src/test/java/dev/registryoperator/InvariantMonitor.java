package dev.registryoperator;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches every pod of a namespace, as the API server reports them, and checks the safety
 * invariants after each change it sees, independently of the operator's own code:
 *
 * <ul>
 *   <li>I2/I3: no live GC pod that deletes ({@code gc-kind=collect}) while a writable registry pod
 *       of the same registry is live, terminating included, whichever of the two came first;
 *   <li>I5: live collect pods of one registry belong to one GcSchedule run at most.
 *   <li>I8: a GC pod whose runner may delete (no {@code --dry-run}) is a collect pod, so that I2
 *       and I5 cover it: a retention plan or a preview never deletes, whatever was edited.
 *   <li>I9: a GC pod that applies retention ({@code --retention}) carries a retention request made
 *       from the cluster's workloads ({@code workloadsChecked}) that protects every reference
 *       {@link #expectProtected} names.
 * </ul>
 *
 * A pod is live from its creation until its containers ended or it is gone. A registry pod is
 * writable unless its own container spec turns read-only on (the effect, not a label).
 */
public final class InvariantMonitor implements AutoCloseable {
  private static final String INSTANCE = "app.kubernetes.io/instance";
  private static final String COMPONENT = "app.kubernetes.io/component";
  private static final String GC_KIND = "registry.operator.dev/gc-kind";
  private static final String SCHEDULE = "registry.operator.dev/gc-schedule";
  private static final String RUN = "registry.operator.dev/gc-run";
  static final String READ_ONLY_ENV = "REGISTRY_STORAGE_MAINTENANCE_READONLY";

  private final SharedIndexInformer<Pod> informer;
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong checks = new AtomicLong();
  private final Set<String> expectedProtected = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private InvariantMonitor(KubernetesClient client, String namespace) {
    informer =
        client
            .pods()
            .inNamespace(namespace)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    check("added " + name(pod));
                  }

                  @Override
                  public void onUpdate(Pod before, Pod after) {
                    check("updated " + name(after));
                  }

                  @Override
                  public void onDelete(Pod pod, boolean unknown) {
                    check("deleted " + name(pod));
                  }
                });
  }

  public static InvariantMonitor watch(KubernetesClient client, String namespace) {
    return new InvariantMonitor(client, namespace);
  }

  /**
   * I9 for {@code reference} ({@code repository:tag}): a workload uses it from every registry of
   * the namespace, so every retention request must protect it.
   */
  public InvariantMonitor expectProtected(String reference) {
    expectedProtected.add(reference);
    return this;
  }

  /** What broke, one line per violation, with the event that revealed it. */
  public List<String> violations() {
    return List.copyOf(violations);
  }

  public long events() {
    return events.get();
  }

  public long checks() {
    return checks.get();
  }

  private synchronized void check(String event) {
    events.incrementAndGet();
    Map<String, List<Pod>> writable = new HashMap<>();
    Map<String, List<Pod>> collecting = new HashMap<>();
    for (Pod pod : informer.getStore().list()) {
      Map<String, String> labels = pod.getMetadata().getLabels();
      if (labels == null || labels.get(INSTANCE) == null || !live(pod)) {
        continue;
      }
      String registry = labels.get(INSTANCE);
      if ("registry".equals(labels.get(COMPONENT)) && writable(pod)) {
        writable.computeIfAbsent(registry, k -> new ArrayList<>()).add(pod);
      } else if ("garbage-collector".equals(labels.get(COMPONENT))) {
        checkDeletingPod(event, pod);
        if ("collect".equals(labels.get(GC_KIND))) {
          collecting.computeIfAbsent(registry, k -> new ArrayList<>()).add(pod);
        }
      }
    }
    for (var entry : collecting.entrySet()) {
      checks.incrementAndGet();
      List<Pod> writers = writable.getOrDefault(entry.getKey(), List.of());
      if (!writers.isEmpty()) {
        violations.add(
            "I2/I3 after "
                + event
                + ": GC pod(s) "
                + names(entry.getValue())
                + " live beside writable pod(s) "
                + names(writers));
      }
      Set<String> runs = new HashSet<>();
      entry
          .getValue()
          .forEach(
              p ->
                  runs.add(
                      p.getMetadata().getLabels().get(SCHEDULE)
                          + "/"
                          + p.getMetadata().getLabels().get(RUN)));
      if (runs.size() > 1) {
        violations.add(
            "I5 after "
                + event
                + ": runs "
                + runs
                + " collect registry "
                + entry.getKey()
                + " at once");
      }
    }
  }

  /** I8 and I9 for one live GC pod. */
  private void checkDeletingPod(String event, Pod pod) {
    List<String> args = new ArrayList<>();
    pod.getSpec()
        .getContainers()
        .forEach(c -> args.addAll(c.getArgs() == null ? List.of() : c.getArgs()));
    checks.incrementAndGet();
    if (!args.contains("--dry-run")
        && !"collect".equals(pod.getMetadata().getLabels().get(GC_KIND))) {
      violations.add(
          "I8 after " + event + ": GC pod " + name(pod) + " may delete but is not a collect pod");
    }
    if (!args.contains("--retention")) {
      return;
    }
    String json =
        pod.getMetadata().getAnnotations() == null
            ? null
            : pod.getMetadata().getAnnotations().get("registry.operator.dev/retention-request");
    try {
      var request =
          dev.registryoperator.gcreport.retention.RetentionRequest.parse(json == null ? "" : json);
      Set<String> missing = new HashSet<>(expectedProtected);
      missing.removeAll(request.protection().usersByReference().keySet());
      if (!request.workloadsChecked() || !missing.isEmpty()) {
        violations.add(
            "I9 after "
                + event
                + ": GC pod "
                + name(pod)
                + " applies retention "
                + (request.workloadsChecked() ? "" : "without the workloads checked ")
                + (missing.isEmpty() ? "" : "without protecting " + missing));
      }
    } catch (java.io.IOException | RuntimeException e) {
      violations.add(
          "I9 after "
              + event
              + ": GC pod "
              + name(pod)
              + " applies retention without a request: "
              + e.getMessage());
    }
  }

  /** Until its containers ended, or it is gone: a terminating pod may still write or collect. */
  static boolean live(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  /** Read-only only when the pod's own container spec says so. */
  public static boolean writable(Pod pod) {
    return pod.getSpec().getContainers().stream()
        .filter(c -> "registry".equals(c.getName()))
        .noneMatch(
            c -> c.getEnv() != null && c.getEnv().stream().anyMatch(InvariantMonitor::readOnlyOn));
  }

  private static boolean readOnlyOn(EnvVar env) {
    return READ_ONLY_ENV.equals(env.getName())
        && env.getValue() != null
        && env.getValue().replace(" ", "").contains("\"enabled\":true");
  }

  private static String name(Pod pod) {
    return pod.getMetadata().getName();
  }

  private static String names(List<Pod> pods) {
    return pods.stream().map(InvariantMonitor::name).toList().toString();
  }

  @Override
  public void close() {
    informer.close();
  }
}
