package dev.registryoperator.gc;

import dev.registryoperator.common.EventRecorder;
import dev.registryoperator.common.Labels;
import dev.registryoperator.gcreport.retention.RetentionRequest;
import dev.registryoperator.registry.MaintenanceLock;
import dev.registryoperator.registry.MaintenanceMode;
import dev.registryoperator.registry.MaintenanceRequest;
import dev.registryoperator.registry.PodCensus;
import dev.registryoperator.registry.Registry;
import dev.registryoperator.retention.WorkloadCheck;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Carries out a run's actions against the API, in order. Two checks here read the API rather than a
 * cache, because a cache may lag: a Job that deletes is created only while the run holds the lock
 * of the Registry it locked (I2), and the lock is given back only when no Job of the run is
 * unfinished and no pod of it is live (I3).
 */
final class GcRunActions {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GcRunActions.class);

  /** What came of the actions: all done, a race lost (look again), or the API refused the Job. */
  record Result(boolean lostRace, String rejectedJob, String rejection) {
    static final Result DONE = new Result(false, null, null);
    static final Result LOST_RACE = new Result(true, null, null);

    boolean rejected() {
      return rejection != null;
    }
  }

  /** An API error worth retrying (server busy or unreachable): the run stays where it is. */
  static final class TransientApiError extends RuntimeException {
    TransientApiError(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final EventRecorder events;
  private final MaintenanceLock lock;
  private final WorkloadProtection protection;

  GcRunActions(EventRecorder events, MaintenanceLock lock, WorkloadProtection protection) {
    this.events = events;
    this.lock = lock;
    this.protection = protection;
  }

  Result execute(
      GcSchedule schedule, String runId, List<GcRun.Action> actions, KubernetesClient client) {
    String namespace = schedule.getMetadata().getNamespace();
    try {
      for (GcRun.Action action : actions) {
        if (action instanceof GcRun.AcquireLock a) {
          if (!lock.acquire(namespace, a.registry(), a.request())) {
            return Result.LOST_RACE;
          }
        } else if (action instanceof GcRun.StopStrayJobs) {
          if (stopRunStillActive(client, schedule, runId)) {
            return Result.LOST_RACE;
          }
        } else if (action instanceof GcRun.ReleaseLock r) {
          if (!lock.release(
              namespace, r.registry(), GcRun.holder(schedule), r.runId(), r.record())) {
            return Result.LOST_RACE;
          }
        } else if (action instanceof GcRun.CreateJob c) {
          Job job = c.job();
          if (c.retention() != null) {
            Optional<Job> withRequest = withRetention(client, job, c.retention());
            if (withRequest.isEmpty()) {
              return Result.LOST_RACE; // the Registry went: the run sees it and ends
            }
            job = withRequest.get();
          }
          String name = job.getMetadata().getName();
          LOG.info(
              "GcSchedule {}/{} run {}: creating {} Job {}",
              namespace,
              schedule.getMetadata().getName(),
              runId,
              c.collect() ? "collect" : "read-only",
              name);
          Optional<String> refused = create(client, job);
          if (refused.isPresent()) {
            return new Result(false, name, refused.get());
          }
          if (c.collect() && !startWhileSafe(client, schedule, runId, job)) {
            return Result.LOST_RACE;
          }
        } else if (action instanceof GcRun.DeleteJob d) {
          // Foreground: the Job stays visible until its pods are gone, so nobody mistakes it for
          // over.
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(namespace)
              .withName(d.name())
              .withPropagationPolicy(DeletionPropagation.FOREGROUND)
              .delete();
        } else if (action instanceof GcRun.Announce e) {
          if (e.warning()) {
            events.warning(schedule, e.reason(), e.message());
          } else {
            events.normal(schedule, e.reason(), e.message());
          }
        }
      }
      return Result.DONE;
    } catch (KubernetesClientException e) {
      if (isTransient(e)) {
        throw new TransientApiError(e.getMessage(), e);
      }
      throw e;
    }
  }

  /**
   * The Job with its retention request: the rules, and the images the workloads use from its
   * Registry now, listed from the API right before the Job is created.
   */
  private Optional<Job> withRetention(
      KubernetesClient client, Job job, GcRun.RetentionInput input) {
    Registry registry =
        client
            .resources(Registry.class)
            .inNamespace(job.getMetadata().getNamespace())
            .withName(job.getMetadata().getLabels().get(Labels.INSTANCE))
            .get();
    if (registry == null) {
      return Optional.empty();
    }
    WorkloadCheck inUse = protection.check(registry);
    RetentionRequest request =
        new RetentionRequest(
            input.now(), input.rules(), inUse.protection(), inUse.workloadsChecked());
    return Optional.of(GcJob.withRetentionRequest(job, request.toJson()));
  }

  /**
   * The Job's FailedCreate message (a quota, a LimitRange or a webhook refused its pod), if any.
   */
  static String failedCreate(KubernetesClient client, String namespace, String jobName) {
    return client
        .v1()
        .events()
        .inNamespace(namespace)
        .withField("involvedObject.name", jobName)
        .list()
        .getItems()
        .stream()
        .filter(
            e ->
                e.getInvolvedObject() != null
                    && "Job".equals(e.getInvolvedObject().getKind())
                    && jobName.equals(e.getInvolvedObject().getName()))
        .filter(e -> "FailedCreate".equals(e.getReason()))
        .max(Comparator.comparing(GcRunActions::eventTime))
        .map(Event::getMessage)
        .orElse(null);
  }

  private static String eventTime(Event e) {
    return e.getLastTimestamp() != null
        ? e.getLastTimestamp()
        : e.getFirstTimestamp() == null ? "" : e.getFirstTimestamp();
  }

  /**
   * Creates the Job; a refusal by the API (quota, LimitRange, webhook, invalid) comes back as its
   * message.
   */
  private static Optional<String> create(KubernetesClient client, Job job) {
    try {
      client.resource(job).create();
      return Optional.empty();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return Optional.empty(); // created before a restart: it is this run's Job
      }
      if (isTransient(e)) {
        throw e;
      }
      String message =
          e.getStatus() != null && e.getStatus().getMessage() != null
              ? e.getStatus().getMessage()
              : e.getMessage();
      return Optional.of("HTTP " + e.getCode() + ": " + message);
    }
  }

  /** From the API: this run still holds the lock of the Registry its Job is for. */
  private static boolean holdsLockNow(
      KubernetesClient client, GcSchedule schedule, String runId, Job job) {
    String registryName = job.getMetadata().getLabels().get(Labels.INSTANCE);
    Registry registry =
        client
            .resources(Registry.class)
            .inNamespace(schedule.getMetadata().getNamespace())
            .withName(registryName)
            .get();
    return registry != null
        && MaintenanceRequest.of(registry)
            .filter(l -> l.heldBy(GcRun.holder(schedule), schedule.getMetadata().getUid(), runId))
            .isPresent();
  }

  /**
   * A Job that deletes was created suspended: it already keeps the registry in maintenance (the
   * Registry reconciler will not release a window while it exists). Now, from the API, this run
   * must still hold the lock and no writer may be left; then the Job starts. Otherwise it goes, and
   * the run looks again.
   */
  private static boolean startWhileSafe(
      KubernetesClient client, GcSchedule schedule, String runId, Job job) {
    var jobs =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(job.getMetadata().getNamespace())
            .withName(job.getMetadata().getName());
    Job current = jobs.get();
    if (current == null || current.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    if (!Boolean.TRUE.equals(current.getSpec().getSuspend())) {
      return true; // started before (a restart between the two steps)
    }
    if (holdsLockNow(client, schedule, runId, job) && noWriterNow(client, job)) {
      jobs.edit(
          j -> {
            j.getSpec().setSuspend(false);
            return j;
          });
      return true;
    }
    LOG.info(
        "GcSchedule {}/{} run {}: lock or window lost before Job {} started; it is removed",
        schedule.getMetadata().getNamespace(),
        schedule.getMetadata().getName(),
        runId,
        job.getMetadata().getName());
    jobs.withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    return false;
  }

  /**
   * From the API, not a cache: no registry pod that could write (ReadOnly), or none at all
   * (ScaleToZero), terminating ones included.
   */
  private static boolean noWriterNow(KubernetesClient client, Job job) {
    Map<String, String> labels = job.getMetadata().getLabels();
    List<Pod> pods =
        client
            .pods()
            .inNamespace(job.getMetadata().getNamespace())
            .withLabels(Labels.selector(labels.get(Labels.INSTANCE)))
            .list()
            .getItems();
    PodCensus census = PodCensus.of(pods, null);
    // I5: no collect pod of another run (one that lost its lock and is still stopping) is live here
    boolean otherCollector =
        pods(client, job.getMetadata().getNamespace(), collectorsOf(labels)).stream()
            .filter(
                p ->
                    !job.getMetadata()
                        .getName()
                        .equals(p.getMetadata().getLabels().get("job-name")))
            .anyMatch(p -> JobObservation.live(List.of(p)) > 0);
    if (otherCollector) {
      return false;
    }
    // I5 again: another run's collect Job that was started and has not finished may still create
    // its pod (the pod list above cannot show a pod not created yet)
    boolean otherCollectJob =
        jobs(client, job.getMetadata().getNamespace(), collectorsOf(labels)).stream()
            .filter(j -> !job.getMetadata().getName().equals(j.getMetadata().getName()))
            .anyMatch(
                j ->
                    j.getMetadata().getDeletionTimestamp() == null
                        && !Boolean.TRUE.equals(j.getSpec().getSuspend())
                        && !JobObservation.of(j, List.of(), List.of(), null).finished());
    if (otherCollectJob) {
      return false;
    }
    return MaintenanceMode.ScaleToZero.name().equals(labels.get(Labels.GC_MAINTENANCE))
        ? census.total() == 0
        : census.writable() == 0;
  }

  /**
   * From the API: an unfinished Job of the run, or a live pod of it (the cache may not show them
   * yet); each such Job not being deleted yet is deleted, so the release happens once they are
   * gone.
   */
  private static boolean stopRunStillActive(
      KubernetesClient client, HasMetadata schedule, String runId) {
    String namespace = schedule.getMetadata().getNamespace();
    String name = schedule.getMetadata().getName();
    Map<String, String> ofRun = Map.of(GcJob.SCHEDULE_LABEL, name, GcJob.RUN_LABEL, runId);
    List<Job> unfinished =
        jobs(client, namespace, ofRun).stream()
            .filter(
                j ->
                    !JobObservation.of(j, List.of(), List.of(), null).finished()
                        || j.getMetadata().getDeletionTimestamp() != null)
            .toList();
    for (Job job : unfinished) {
      if (job.getMetadata().getDeletionTimestamp() == null) {
        // a Job of the run its status never named (a leader stopped between creating it and
        // writing the status): the run is over, so it goes before the lock does
        LOG.info(
            "GcSchedule {}/{} run {}: stopping Job {} before releasing the lock",
            namespace,
            name,
            runId,
            job.getMetadata().getName());
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(namespace)
            .withName(job.getMetadata().getName())
            .withPropagationPolicy(DeletionPropagation.FOREGROUND)
            .delete();
      }
    }
    return !unfinished.isEmpty() || JobObservation.live(pods(client, namespace, ofRun)) > 0;
  }

  /** The collect Jobs and pods of the registry a Job with {@code labels} works on. */
  private static Map<String, String> collectorsOf(Map<String, String> labels) {
    return Map.of(
        Labels.INSTANCE, labels.get(Labels.INSTANCE), Labels.GC_KIND, Labels.GC_KIND_COLLECT);
  }

  /** From the API, not a cache: the Jobs in {@code namespace} that carry all {@code labels}. */
  static List<Job> jobs(KubernetesClient client, String namespace, Map<String, String> labels) {
    return client.batch().v1().jobs().inNamespace(namespace).withLabels(labels).list().getItems();
  }

  /** From the API, not a cache: the pods in {@code namespace} that carry all {@code labels}. */
  static List<Pod> pods(KubernetesClient client, String namespace, Map<String, String> labels) {
    return client.pods().inNamespace(namespace).withLabels(labels).list().getItems();
  }

  /**
   * The server was not reached or is busy (no HTTP answer, 429, 5xx): try again, it may have acted.
   */
  static boolean isTransient(KubernetesClientException e) {
    return e.getCode() <= 0 || e.getCode() == 429 || e.getCode() >= 500;
  }
}
