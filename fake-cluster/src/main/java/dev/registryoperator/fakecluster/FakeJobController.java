package dev.registryoperator.fakecluster;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Plays the Job controller for single-pod Jobs (completions 1, parallelism 1): one pod at a time,
 * replaced after a failure until {@code backoffLimit} (default 6) is exceeded, no back-off delay;
 * {@code activeDeadlineSeconds}; {@code ttlSecondsAfterFinished}; {@code suspend} only prevents the
 * start. Conditions as Kubernetes 1.31+ writes them: {@code FailureTarget} / {@code
 * SuccessCriteriaMet} first, then {@code Failed} / {@code Complete} once no pod of the Job is still
 * running or terminating. With {@link FakeCluster.Builder#legacyJobConditions} the terminal
 * condition comes at once, while the pods are still terminating (Kubernetes before 1.31).
 */
final class FakeJobController {
  private static final class JobState {
    Instant start;
    boolean success;
    String failureReason;
    String failureMessage;
    Instant finishedAt;
    boolean ttlDeleted;

    boolean ending() {
      return success || failureReason != null;
    }
  }

  private final SimContext ctx;
  private final StatusWriter<Job, JobStatus> status = new StatusWriter<>(Job::getStatus);
  private final Map<String, JobState> states = new HashMap<>();

  /**
   * What each Job's last reconcile left behind: the object (by identity) and every pod it ever had.
   * A tick skips a Job while both are the same and no deadline or time to live falls due (see
   * {@link FakeDeploymentController}'s).
   */
  private record Settled(Job job, List<PodRecord.View> pods, Instant due) {}

  private final Map<String, Settled> settled = new HashMap<>();

  FakeJobController(SimContext ctx) {
    this.ctx = ctx;
  }

  void observe(Job old, Job job) {
    ctx.jobs.put(job.getMetadata().getUid(), job);
    if (old == null) {
      ctx.log.add("job", job.getMetadata().getName(), "created", null, null);
    }
  }

  void observeDeleted(Job job) {
    ctx.jobs.remove(job.getMetadata().getUid());
    ctx.log.add("job", job.getMetadata().getName(), "deleted", null, null);
    states.remove(job.getMetadata().getUid());
    settled.remove(job.getMetadata().getUid());
    status.forget(job.getMetadata().getUid());
  }

  void tick() {
    for (Job job : List.copyOf(ctx.jobs.values())) {
      if (job.getMetadata().getDeletionTimestamp() == null
          && !Boolean.TRUE.equals(job.getSpec().getSuspend())) {
        String uid = job.getMetadata().getUid();
        Settled last = settled.get(uid);
        if (last != null
            && last.job() == job
            && (last.due() == null || Instant.now().isBefore(last.due()))
            && last.pods().equals(podViews(uid))) {
          continue;
        }
        if (reconcile(job)) {
          settled.put(uid, new Settled(job, podViews(uid), due(job, states.get(uid))));
        } else {
          settled.remove(uid);
        }
      }
    }
  }

  private List<PodRecord.View> podViews(String uid) {
    return ctx.pods.everOwnedBy(uid).stream().map(PodRecord::view).toList();
  }

  /** When the Job's deadline or time to live falls due, if one is still to come. */
  private static Instant due(Job job, JobState st) {
    if (st == null) {
      return null;
    }
    Long deadline = job.getSpec().getActiveDeadlineSeconds();
    if (deadline != null && !st.ending()) {
      return st.start.plusSeconds(deadline);
    }
    Integer ttl = job.getSpec().getTtlSecondsAfterFinished();
    if (ttl != null && st.finishedAt != null && !st.ttlDeleted) {
      return st.finishedAt.plusSeconds(ttl);
    }
    return null;
  }

  /** Reconciles; false when it must run again even if nothing changes (a status conflict). */
  private boolean reconcile(Job job) {
    String name = job.getMetadata().getName();
    JobState st = states.computeIfAbsent(job.getMetadata().getUid(), u -> new JobState());
    if (st.start == null) {
      st.start = Instant.now();
    }
    if (!st.ending()) {
      decide(job, st);
    }
    if (st.failureReason != null) {
      active(job).forEach(p -> ctx.deletePod(p, "job failed: " + st.failureReason));
    }
    boolean refused = !st.ending() && active(job).isEmpty() && !createPod(job);
    boolean settled = active(job).isEmpty() && terminating(job).isEmpty();
    if (st.ending() && st.finishedAt == null && (settled || ctx.settings.legacyJobConditions())) {
      st.finishedAt = Instant.now();
      ctx.log.add(
          "job",
          name,
          st.success ? "complete" : "failed reason=" + st.failureReason,
          null,
          st.failureMessage);
    }
    boolean settledNow = writeStatus(job, st) != StatusWriter.Write.Conflict && !refused;
    Integer ttl = job.getSpec().getTtlSecondsAfterFinished();
    if (st.finishedAt != null
        && ttl != null
        && !st.ttlDeleted
        && !Instant.now().isBefore(st.finishedAt.plusSeconds(ttl))) {
      st.ttlDeleted = true;
      ctx.client.resource(job).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
      ctx.log.add("job", name, "deleted by ttl-after-finished", null, null);
    }
    return settledNow;
  }

  private void decide(Job job, JobState st) {
    List<PodRecord> all = ctx.pods.everOwnedBy(job.getMetadata().getUid());
    int backoffLimit =
        job.getSpec().getBackoffLimit() == null ? 6 : job.getSpec().getBackoffLimit();
    Long deadline = job.getSpec().getActiveDeadlineSeconds();
    if (all.stream().anyMatch(PodRecord::succeeded)) {
      st.success = true;
    } else if (all.stream().filter(PodRecord::failed).count() > backoffLimit) {
      st.failureReason = "BackoffLimitExceeded";
      st.failureMessage = "Job has reached the specified backoff limit";
    } else if (deadline != null
        && !Instant.now().isBefore(st.start.plus(Duration.ofSeconds(deadline)))) {
      st.failureReason = "DeadlineExceeded";
      st.failureMessage = "Job was active longer than specified deadline";
      ctx.log.add("job", job.getMetadata().getName(), "deadline exceeded", null, null);
    }
  }

  /** Creates the Job's next pod; false if the API refused it (to be tried again). */
  private boolean createPod(Job job) {
    String jobName = job.getMetadata().getName();
    String uid = job.getMetadata().getUid();
    Map<String, String> labels =
        Map.of(
            "controller-uid",
            uid,
            "batch.kubernetes.io/controller-uid",
            uid,
            "job-name",
            jobName,
            "batch.kubernetes.io/job-name",
            jobName);
    String podName = jobName + "-" + PodTemplates.randomSuffix();
    try {
      ctx.createPod(
          PodTemplates.newPod(job.getSpec().getTemplate(), job, podName, labels), job, null);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() < 400 || e.getCode() >= 500) {
        throw e;
      }
      // As the real Job controller: a refused pod (a quota, a LimitRange, a webhook) is an Event on
      // the Job, and the pod is tried again later.
      String message =
          "Error creating: "
              + (e.getStatus() != null && e.getStatus().getMessage() != null
                  ? e.getStatus().getMessage()
                  : e.getMessage());
      ctx.log.add("job", jobName, "pod refused", null, message);
      recordFailedCreate(job, message);
      return false;
    }
  }

  private void recordFailedCreate(Job job, String message) {
    String name = job.getMetadata().getName() + ".failedcreate";
    var events = ctx.client.v1().events().inNamespace(job.getMetadata().getNamespace());
    Event existing = events.withName(name).get();
    if (existing != null) {
      existing.setCount(existing.getCount() == null ? 2 : existing.getCount() + 1);
      existing.setMessage(message);
      existing.setLastTimestamp(PodStatuses.now());
      events.resource(existing).update();
      return;
    }
    events
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(job.getMetadata().getNamespace())
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion("batch/v1")
                .withKind("Job")
                .withName(job.getMetadata().getName())
                .withNamespace(job.getMetadata().getNamespace())
                .withUid(job.getMetadata().getUid())
                .endInvolvedObject()
                .withType("Warning")
                .withReason("FailedCreate")
                .withMessage(message)
                .withCount(1)
                .withFirstTimestamp(PodStatuses.now())
                .withLastTimestamp(PodStatuses.now())
                .withNewSource()
                .withComponent("job-controller")
                .endSource()
                .build())
        .create();
  }

  private StatusWriter.Write writeStatus(Job job, JobState st) {
    List<PodRecord> all = ctx.pods.everOwnedBy(job.getMetadata().getUid());
    List<PodRecord> active = active(job);
    boolean legacy = ctx.settings.legacyJobConditions();
    JobStatus previous = status.previous(job);
    List<JobCondition> conditions = new ArrayList<>();
    String reason = st.success ? "CompletionsReached" : st.failureReason;
    String message = st.success ? "Reached expected number of succeeded pods" : st.failureMessage;
    if (st.ending() && !legacy) {
      conditions.add(
          condition(
              previous, st.success ? "SuccessCriteriaMet" : "FailureTarget", reason, message));
    }
    if (st.finishedAt != null) {
      conditions.add(condition(previous, st.success ? "Complete" : "Failed", reason, message));
    }
    JobStatus computed =
        new JobStatusBuilder()
            .withStartTime(PodStatuses.time(st.start))
            .withCompletionTime(
                st.success && st.finishedAt != null ? PodStatuses.time(st.finishedAt) : null)
            .withActive(omitZero(active.size()))
            .withReady((int) active.stream().filter(p -> p.ready).count())
            .withSucceeded(omitZero((int) all.stream().filter(PodRecord::succeeded).count()))
            .withFailed(omitZero((int) all.stream().filter(PodRecord::failed).count()))
            .withTerminating(legacy ? null : terminating(job).size())
            .withConditions(conditions)
            .build();
    return status.writeIfChanged(
        job,
        computed,
        cached ->
            ctx.replaceStatus(
                SimContext.named(
                    new Job(), cached.getMetadata().getNamespace(), cached.getMetadata().getName()),
                computed));
  }

  private static JobCondition condition(
      JobStatus previous, String type, String reason, String message) {
    JobCondition old =
        previous == null || previous.getConditions() == null
            ? null
            : previous.getConditions().stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst()
                .orElse(null);
    String time = old != null ? old.getLastTransitionTime() : PodStatuses.now();
    return new JobConditionBuilder()
        .withType(type)
        .withStatus("True")
        .withReason(reason)
        .withMessage(message)
        .withLastProbeTime(time)
        .withLastTransitionTime(time)
        .build();
  }

  private List<PodRecord> active(Job job) {
    return ctx.pods.ownedBy(job.getMetadata().getUid()).stream().filter(PodRecord::active).toList();
  }

  private List<PodRecord> terminating(Job job) {
    return ctx.pods.ownedBy(job.getMetadata().getUid()).stream()
        .filter(PodRecord::terminatingNotFinished)
        .toList();
  }

  private static Integer omitZero(int n) {
    return n == 0 ? null : n;
  }
}
