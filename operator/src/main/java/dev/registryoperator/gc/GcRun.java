package dev.registryoperator.gc;

import dev.registryoperator.common.Conditions;
import dev.registryoperator.gcreport.GcOutcome;
import dev.registryoperator.gcreport.GcReport;
import dev.registryoperator.gcreport.retention.RetentionRule;
import dev.registryoperator.registry.GcRecord;
import dev.registryoperator.registry.MaintenanceMode;
import dev.registryoperator.registry.MaintenanceRequest;
import dev.registryoperator.registry.MaintenanceStatus;
import dev.registryoperator.registry.PodCensus;
import dev.registryoperator.registry.Registry;
import dev.registryoperator.registry.RegistryStatuses;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The GC run state machine (docs/gc.md). Pure: given the run as persisted in status (with its
 * {@link GcRunPlan}, every spec value it uses) and what was observed, it returns the run's next
 * state and the actions to take. The reconciler executes the actions, then persists the state;
 * every step is safe to repeat after a restart. It never reads the GcSchedule's spec: only its name
 * and UID, for the lock and the Job's owner.
 *
 * <p>Safety (docs/safety.md): the collect Job is created only while this run holds the lock of the
 * Registry it locked and observed pods prove no writable registry pod exists (I2); a lock lost or
 * changed mid-run stops the Job; the lock is released only when no pod of the run's Jobs is live
 * (I3); every end, failure included, passes through Restoring (I4).
 */
public final class GcRun {
  static final Duration POLL = Duration.ofSeconds(5);

  /** A Job pod that cannot be scheduled for this long fails the run. */
  static final Duration UNSCHEDULABLE_GRACE = Duration.ofMinutes(2);

  /** Past the Job's own deadline by this much, the operator deletes the Job itself. */
  static final Duration WATCHDOG_GRACE = Duration.ofMinutes(2);

  /**
   * Characters kept from the end of a termination message that is not a report (a crash's last log
   * lines).
   */
  static final int MESSAGE_TAIL = 300;

  private GcRun() {}

  /**
   * What the reconciler saw, all from caches or the API. {@code registry} is the object named by
   * the run's plan (whatever its UID); {@code overrides} the GC pod's placement and resources from
   * the current spec (they never decide what the Job deletes).
   */
  public record Observation(
      Instant now,
      Registry registry,
      PodCensus registryPods,
      JobObservation job,
      Optional<MaintenanceRequest> lock,
      GcScheduleSpec.JobOverrides overrides) {}

  public sealed interface Action
      permits AcquireLock, ReleaseLock, StopStrayJobs, CreateJob, DeleteJob, Announce {}

  /** Take the registry's maintenance lock (fails if another holder took it first). */
  public record AcquireLock(String registry, MaintenanceRequest request) implements Action {}

  /** Give the lock back, recording the run on the Registry. */
  public record ReleaseLock(String registry, String runId, GcRecord record) implements Action {}

  /**
   * Before the run gives back its lock or ends: every unfinished Job of the run goes, found by
   * label in the API, the ones its status never named included (a leader stopped between creating a
   * Job and writing the status); the actions stop here while one of them or a pod of the run is
   * live.
   */
  public record StopStrayJobs() implements Action {}

  /**
   * {@code collect}: the Job deletes, so it may be created only while this run holds the lock.
   * {@code retention}: the rules the Job applies, null for none; the operator adds the images the
   * workloads use right before it creates the Job.
   */
  public record CreateJob(Job job, boolean collect, RetentionInput retention) implements Action {
    public CreateJob(Job job, boolean collect) {
      this(job, collect, null);
    }
  }

  /** The plan's retention rules, and the time they are applied at. */
  public record RetentionInput(List<RetentionRule> rules, Instant now) {}

  public record DeleteJob(String name) implements Action {}

  public record Announce(boolean warning, GcReason reason, String message) implements Action {}

  /** The next state: {@code run} when it goes on, {@code finished} when it ended. */
  public record Advance(
      GcRunStatus run, GcRunRecord finished, List<Action> actions, Duration requeueAfter) {}

  public static String holder(HasMetadata schedule) {
    return "GcSchedule/" + schedule.getMetadata().getName();
  }

  /**
   * A new run against {@code registry}, in its first step, with its plan taken from {@code spec}
   * now.
   */
  public static GcRunStatus start(
      GcScheduleSpec spec, Registry registry, String runId, GcRunTrigger trigger, Instant now) {
    GcRunPlan plan = GcRunPlan.of(spec, registry);
    GcRunStatus run = new GcRunStatus();
    run.setId(runId);
    run.setTrigger(trigger);
    run.setStartTime(Conditions.format(now));
    run.setPlan(plan);
    GcRunStep first;
    if (plan.retains()) {
      first = GcRunStep.Pruning; // the retention plan first, while the registry serves
    } else if (plan.dryRunOnly()) {
      first = GcRunStep.Collecting; // nothing is deleted: no maintenance window
    } else if (plan.getMinReclaimableBytes() != null) {
      first = GcRunStep.Preview;
    } else {
      first = GcRunStep.Quiescing;
    }
    enter(run, first, now);
    return run;
  }

  public static Advance advance(HasMetadata schedule, GcRunStatus current, Observation seen) {
    GcRunStatus run = Serialization.clone(current);
    Step step = new Step(schedule, run, run.getPlan(), seen, new ArrayList<>());
    return switch (run.getStep()) {
      case Pruning -> pruning(step);
      case Preview -> preview(step);
      case Quiescing -> quiesce(step);
      case Collecting -> collect(step);
      case Restoring -> restore(step);
    };
  }

  /**
   * The API refused to create this run's Job (a ResourceQuota, a LimitRange, an admission webhook):
   * the run fails with the API's message and restores service.
   */
  public static Advance rejected(
      GcRunStatus current, String jobName, String apiMessage, Instant now) {
    GcRunStatus run = Serialization.clone(current);
    // The Job's name stays: if the API did create it after all, Restoring finds and stops it.
    run.setJobName(jobName);
    List<Action> actions = new ArrayList<>();
    decide(
        run,
        new GcRunOutcome(
            GcRunResult.Failed,
            GcReason.JobRejected.name(),
            "the API refused to create GC Job " + jobName + ": " + apiMessage),
        now,
        actions);
    return waiting(run, actions);
  }

  /** One step's inputs and the actions it collects. */
  private record Step(
      HasMetadata schedule,
      GcRunStatus run,
      GcRunPlan plan,
      Observation seen,
      List<Action> actions) {
    String holder() {
      return GcRun.holder(schedule);
    }

    /**
     * The Registry the run locked, or null when it is gone or was replaced by one with the same
     * name.
     */
    Registry registry() {
      return replaced() ? null : seen.registry();
    }

    boolean replaced() {
      Registry r = seen.registry();
      return r != null
          && plan.getRegistryUid() != null
          && r.getMetadata().getUid() != null
          && !plan.getRegistryUid().equals(r.getMetadata().getUid());
    }

    boolean holdsLock() {
      return seen.lock().isPresent()
          && !replaced()
          && seen.lock().get().heldBy(holder(), schedule.getMetadata().getUid(), run.getId());
    }

    Advance ended(GcRunResult result, GcReason reason, String message) {
      return GcRun.ended(run, new GcRunOutcome(result, reason.name(), message), seen, actions);
    }

    /** Registry deleted or replaced: the reason and message for the step named. */
    Advance registryGone(String when) {
      return replaced()
          ? ended(
              GcRunResult.Failed,
              GcReason.RegistryReplaced,
              "Registry "
                  + plan.getRegistry()
                  + " was deleted and created again "
                  + when
                  + "; the new one was never locked")
          : ended(GcRunResult.Failed, GcReason.RegistryDeleted, "the Registry was deleted " + when);
    }

    /** The action that creates the Job of {@code kind}, with the plan's retention rules. */
    CreateJob create(Job job, boolean collect) {
      return new CreateJob(
          job,
          collect,
          GcJob.readsRetention(job) ? new RetentionInput(plan.getRetention(), seen.now()) : null);
    }

    Job job(GcJob.Kind kind) {
      Registry registry = registry();
      return GcJob.desired(
          schedule,
          plan,
          registry,
          run.getId(),
          kind,
          seen.overrides(),
          GcJob.mustColocate(plan, registry, kind));
    }
  }

  /**
   * The report of a step's read-only Job (the retention plan, the preview), once it succeeded with
   * one; else, in {@code next}, how the run goes on: the Job created, waited for, or the run ended.
   */
  private record JobReport(Advance next, GcReport report) {}

  /**
   * A Job that deletes nothing, while the registry stays writable: created on the step's first pass
   * ({@code creating}, with the Job's name for {@code %s}), then watched until it finished; a
   * failure, or no report, ends the run with {@code failed}.
   */
  private static JobReport readOnlyJob(
      Step s,
      GcJob.Kind kind,
      String registryGoneWhen,
      String creating,
      GcReason failed,
      String failedPrefix) {
    GcRunStatus run = s.run();
    if (s.registry() == null) {
      return new JobReport(s.registryGone(registryGoneWhen), null);
    }
    if (run.getJobName() == null) {
      Job job = s.job(kind);
      s.actions().add(s.create(job, false));
      run.setJobName(job.getMetadata().getName());
      run.setMessage(creating.formatted(job.getMetadata().getName()));
      return new JobReport(waiting(run, s.actions()), null);
    }
    JobObservation job = s.seen().job();
    Optional<Advance> trouble = jobTrouble(s);
    if (trouble.isPresent()) {
      return new JobReport(trouble.get(), null);
    }
    if (!job.finished()) {
      return new JobReport(waiting(run, s.actions()), null);
    }
    Optional<GcReport> report = GcReport.parse(job.terminationMessage());
    if (job.phase() != JobObservation.Phase.Succeeded || report.isEmpty()) {
      return new JobReport(
          s.ended(GcRunResult.Failed, failed, failedPrefix + runnerMessage(job, report)), null);
    }
    return new JobReport(null, report.get());
  }

  /**
   * With retention rules: a dry-run Job decides from the storage which tags would go and why others
   * stay, while the registry stays writable. A dry run ends with that plan; otherwise the run goes
   * on (the collect Job decides again, inside the window, from the storage and the workloads as
   * they are then).
   */
  private static Advance pruning(Step s) {
    GcRunStatus run = s.run();
    JobReport job =
        readOnlyJob(
            s,
            GcJob.Kind.Pruning,
            "while retention was planned",
            "retention Job %s decides which tags would go; the registry stays writable",
            GcReason.PruningFailed,
            "retention plan failed: ");
    if (job.next() != null) {
      return job.next();
    }
    GcReport r = job.report();
    s.actions().add(new Announce(false, GcReason.RetentionPlanned, r.message));
    if (s.plan().dryRunOnly()) {
      GcRunOutcome outcome =
          new GcRunOutcome(
              GcRunResult.Succeeded,
              GcReason.DryRunCompleted.name(),
              "dry run, nothing deleted: " + r.message);
      outcome.copyCountersFrom(figures(r));
      return ended(run, outcome, s.seen(), s.actions());
    }
    run.setRetentionPlan(r.message);
    run.setRetentionBytes(n(r.counters.getRetentionBytes()));
    run.setJobName(null);
    if (s.plan().getMinReclaimableBytes() != null) {
      enter(run, GcRunStep.Preview, s.seen().now());
      return preview(s);
    }
    enter(run, GcRunStep.Quiescing, s.seen().now());
    return quiesce(s);
  }

  private static Advance preview(Step s) {
    GcRunStatus run = s.run();
    JobReport job =
        readOnlyJob(
            s,
            GcJob.Kind.Preview,
            "during the preview",
            "preview Job %s measures what a run would free; the registry stays writable",
            GcReason.PreviewFailed,
            "preview failed: ");
    if (job.next() != null) {
      return job.next();
    }
    GcReport report = job.report();
    // what the retention plan frees counts too: GC frees it once the tags are gone
    long eligible = n(report.counters.getEligibleBytes()) + n(run.getRetentionBytes());
    long minimum = s.plan().getMinReclaimableBytes();
    if (eligible < minimum) {
      run.setJobName(null);
      GcRunOutcome outcome =
          new GcRunOutcome(
              GcRunResult.Skipped,
              GcReason.BelowThreshold.name(),
              "preview found "
                  + Durations.bytes(eligible)
                  + " reclaimable, below minReclaimableBytes ("
                  + Durations.bytes(minimum)
                  + "); the registry stayed writable");
      outcome.copyCountersFrom(report.counters);
      outcome.setEligibleBytes(eligible);
      outcome.setReclaimedBytes(0L);
      return ended(run, outcome, s.seen(), s.actions());
    }
    run.setJobName(null);
    enter(run, GcRunStep.Quiescing, s.seen().now());
    run.setMessage("preview found " + Durations.bytes(eligible) + " reclaimable");
    return quiesce(s);
  }

  private static Advance quiesce(Step s) {
    GcRunStatus run = s.run();
    Observation seen = s.seen();
    Registry registry = s.registry();
    if (registry == null) {
      return s.registryGone("before collection began");
    }
    Duration timeout = s.plan().quiesceTimeout();
    // Checked before anything else: the timeout fires even while every action fails.
    boolean timedOut = elapsed(run, seen.now()).compareTo(timeout) > 0;
    MaintenanceMode mode = s.plan().getMode();
    String waitingFor = mode == MaintenanceMode.ReadOnly ? "become read-only" : "reach zero pods";
    if (!s.holdsLock()) {
      Optional<MaintenanceRequest> other = seen.lock();
      if (other.isPresent()) {
        String message =
            other.get().holder() + " holds the maintenance lock of Registry " + name(registry);
        if (timedOut) {
          return s.ended(
              GcRunResult.Skipped,
              GcReason.RegistryBusy,
              message + " for longer than quiesceTimeout (" + format(timeout) + ")");
        }
        run.setMessage("waiting: " + message);
        return waiting(run, s.actions());
      }
      if (timedOut) {
        return s.ended(
            GcRunResult.Failed,
            GcReason.QuiesceTimeout,
            "the maintenance lock of Registry "
                + name(registry)
                + " could not be taken within quiesceTimeout ("
                + format(timeout)
                + ")");
      }
      // Taken again after a lock was lost in this step: writes have been refused since the first
      // time.
      String since =
          run.getWritesStoppedTime() != null
              ? run.getWritesStoppedTime()
              : Conditions.format(seen.now());
      String token = run.getId() + "-" + seen.now().toEpochMilli();
      MaintenanceRequest request =
          new MaintenanceRequest(
              s.holder(), s.schedule().getMetadata().getUid(), run.getId(), mode, since, token);
      s.actions().add(new AcquireLock(s.plan().getRegistry(), request));
      s.actions()
          .add(
              new Announce(
                  false,
                  GcReason.MaintenanceRequested,
                  mode == MaintenanceMode.ReadOnly
                      ? "asked Registry "
                          + name(registry)
                          + " to serve read-only for GC run "
                          + run.getId()
                      : "asked Registry "
                          + name(registry)
                          + " to scale to zero for GC run "
                          + run.getId()));
      run.setWritesStoppedTime(since);
      run.setRegistryGeneration(registry.getMetadata().getGeneration());
      run.setMessage("waiting for the registry to " + waitingFor);
      return waiting(run, s.actions());
    }
    if (run.getWritesStoppedTime() == null) {
      run.setWritesStoppedTime(
          seen.lock().get().since()); // the lock was taken, then the operator restarted
    }
    if (run.getRegistryGeneration() == null) {
      run.setRegistryGeneration(registry.getMetadata().getGeneration());
    }
    if (!run.getRegistryGeneration().equals(registry.getMetadata().getGeneration())) {
      return s.ended(
          GcRunResult.Failed,
          GcReason.RegistrySpecChanged,
          "the Registry's spec changed before collection began");
    }
    if (quiesced(seen, s.holder(), seen.lock().get().token(), mode)) {
      Job job = s.job(GcJob.Kind.Collect);
      s.actions().add(s.create(job, true));
      s.actions()
          .add(
              new Announce(
                  false,
                  mode == MaintenanceMode.ReadOnly
                      ? GcReason.RegistryReadOnly
                      : GcReason.RegistryScaledDown,
                  (mode == MaintenanceMode.ReadOnly
                          ? "no writable registry pod remains"
                          : "no registry pod remains")
                      + "; GC Job "
                      + job.getMetadata().getName()
                      + " started"));
      run.setJobName(job.getMetadata().getName());
      run.setWritesRefusedTime(Conditions.format(seen.now()));
      enter(run, GcRunStep.Collecting, seen.now());
      run.setMessage("GC Job " + job.getMetadata().getName() + " is collecting");
      return waiting(run, s.actions());
    }
    if (timedOut) {
      return s.ended(
          GcRunResult.Failed,
          GcReason.QuiesceTimeout,
          "the registry did not "
              + waitingFor
              + " within quiesceTimeout ("
              + format(timeout)
              + "): "
              + seen.registryPods().writable()
              + " writable of "
              + seen.registryPods().total()
              + " pods remain");
    }
    run.setMessage(
        "waiting for the registry to "
            + waitingFor
            + ": "
            + seen.registryPods().writable()
            + " writable of "
            + seen.registryPods().total()
            + " pods remain");
    return waiting(run, s.actions());
  }

  /**
   * I2: the Registry reports the window of this very lock (its token: not a window of an earlier
   * lock, lost and taken again) in effect, and the pods seen here agree: none writable (terminating
   * ones included) or, for ScaleToZero, none at all. The reconciler checks the pods once more in
   * the API right before it creates the Job.
   */
  private static boolean quiesced(
      Observation seen, String holder, String token, MaintenanceMode mode) {
    MaintenanceStatus reported =
        seen.registry().getStatus() == null ? null : seen.registry().getStatus().getMaintenance();
    boolean registrySaysSo =
        reported != null
            && holder.equals(reported.getHolder())
            && Objects.equals(token, reported.getToken())
            && Boolean.TRUE.equals(reported.getInEffect());
    boolean podsSaySo =
        mode == MaintenanceMode.ReadOnly
            ? seen.registryPods().writable() == 0
            : seen.registryPods().total() == 0;
    return registrySaysSo && podsSaySo;
  }

  private static Advance collect(Step s) {
    GcRunStatus run = s.run();
    Observation seen = s.seen();
    boolean dryRun = s.plan().dryRunOnly();
    if (run.getJobName() == null) {
      // A dry run starts here: nothing is deleted, so the registry keeps serving writes.
      if (s.registry() == null) {
        return s.registryGone("before the dry run began");
      }
      Job job = s.job(GcJob.Kind.Collect);
      s.actions().add(s.create(job, !dryRun));
      run.setJobName(job.getMetadata().getName());
      run.setMessage("dry-run Job " + job.getMetadata().getName() + " is measuring");
      return waiting(run, s.actions());
    }
    JobObservation job = seen.job();
    if (!job.finished()) {
      if (s.registry() == null) {
        s.actions().add(new DeleteJob(run.getJobName()));
        return s.registryGone("while GC ran; the Job was stopped");
      }
      if (!dryRun && !s.holdsLock()) {
        s.actions().add(new DeleteJob(run.getJobName()));
        return s.ended(
            GcRunResult.Failed,
            GcReason.LockLost,
            "the maintenance lock of Registry "
                + s.plan().getRegistry()
                + " was removed or changed while GC ran (kubectl replace, a GitOps sync that replaces objects, or a hand edit);"
                + " the GC Job was stopped, and the registry stays in maintenance until its pod is gone");
      }
      Registry registry = s.registry();
      if (!dryRun
          && run.getRegistryGeneration() != null
          && !run.getRegistryGeneration().equals(registry.getMetadata().getGeneration())) {
        s.actions().add(new DeleteJob(run.getJobName()));
        return s.ended(
            GcRunResult.Failed,
            GcReason.RegistrySpecChanged,
            "the Registry's spec changed while GC ran; the Job was stopped");
      }
    }
    Optional<Advance> trouble = jobTrouble(s);
    if (trouble.isPresent()) {
      return trouble.get();
    }
    if (!job.finished()) {
      return waiting(run, s.actions());
    }
    Optional<GcReport> report = GcReport.parse(job.terminationMessage());
    if (job.phase() == JobObservation.Phase.DeadlineExceeded) {
      return s.ended(
          GcRunResult.Failed,
          GcReason.DeadlineExceeded,
          "the GC Job ran longer than maxDuration ("
              + format(s.plan().maxDuration())
              + ") and was stopped");
    }
    if (job.phase() == JobObservation.Phase.Succeeded
        && report.isPresent()
        && Integer.valueOf(0).equals(report.get().exitCode())) {
      GcReport r = report.get();
      GcReason reason = GcReason.valueOf(GcOutcome.Succeeded.reason(dryRun));
      GcRunOutcome outcome =
          new GcRunOutcome(GcRunResult.Succeeded, reason.name(), succeeded(r, dryRun));
      outcome.copyCountersFrom(figures(r));
      s.actions().add(new Announce(false, reason, outcome.getMessage()));
      if (!dryRun && n(r.counters.getTagsDeleted()) > 0) {
        s.actions()
            .add(
                new Announce(
                    false,
                    GcReason.TagsPruned,
                    "retention deleted "
                        + n(r.counters.getTagsDeleted())
                        + " tags and "
                        + n(r.counters.getRetentionManifestsDeleted())
                        + " manifests ("
                        + Durations.bytes(n(r.counters.getRetentionBytes()))
                        + "); "
                        + n(r.counters.getTagsProtected())
                        + " tags protected by workloads"));
      }
      return ended(run, outcome, seen, s.actions());
    }
    GcReason reason = reasonForExit(job.exitCode());
    GcRunOutcome outcome =
        new GcRunOutcome(GcRunResult.Failed, reason.name(), runnerMessage(job, report));
    report.ifPresent(r -> outcome.copyCountersFrom(figures(r)));
    return ended(run, outcome, seen, s.actions());
  }

  /** The Job was deleted, has no pod, cannot be scheduled, or outlived its deadline. */
  private static Optional<Advance> jobTrouble(Step s) {
    GcRunStatus run = s.run();
    Observation seen = s.seen();
    JobObservation job = seen.job();
    if (!job.exists()) {
      return Optional.of(
          s.ended(
              GcRunResult.Failed,
              GcReason.JobDeleted,
              "Job " + run.getJobName() + " was deleted before it finished"));
    }
    if (job.finished()) {
      return Optional.empty();
    }
    if (job.pods() == 0 && elapsed(run, seen.now()).compareTo(s.plan().podStartTimeout()) > 0) {
      s.actions().add(new DeleteJob(run.getJobName()));
      return Optional.of(
          s.ended(
              GcRunResult.Failed,
              GcReason.PodNotCreated,
              "GC Job "
                  + run.getJobName()
                  + " created no pod within podStartTimeout ("
                  + format(s.plan().podStartTimeout())
                  + ")"
                  + (job.failedCreate() == null ? "" : ": " + job.failedCreate())));
    }
    if (job.unschedulableSince() != null
        && Duration.between(job.unschedulableSince(), seen.now()).compareTo(UNSCHEDULABLE_GRACE)
            > 0) {
      s.actions().add(new DeleteJob(run.getJobName()));
      boolean colocated =
          s.registry() != null && GcJob.mustColocate(s.plan(), s.registry(), GcJob.Kind.Collect);
      return Optional.of(
          s.ended(
              GcRunResult.Failed,
              GcReason.Unschedulable,
              "the GC pod could not be scheduled"
                  + (colocated
                      ? ": with mode ReadOnly and a single-node (ReadWriteOnce) volume it must run on the node of the registry's pods; free resources there, or use mode ScaleToZero"
                      : "")));
    }
    Duration deadline = s.plan().maxDuration().plus(WATCHDOG_GRACE);
    if (elapsed(run, seen.now()).compareTo(deadline) > 0) {
      s.actions().add(new DeleteJob(run.getJobName()));
      return Optional.of(
          s.ended(
              GcRunResult.Failed,
              GcReason.DeadlineExceeded,
              "the GC Job ran longer than maxDuration ("
                  + format(s.plan().maxDuration())
                  + ") and was deleted"));
    }
    return Optional.empty();
  }

  private static Advance restore(Step s) {
    GcRunStatus run = s.run();
    if (stopJob(s)) {
      return slowRestoreCheck(s);
    }
    if (s.holdsLock()) {
      releaseLock(s);
      run.setMessage("maintenance lock released; waiting for the registry to serve writes again");
      return waiting(run, s.actions());
    }
    s.actions().add(new StopStrayJobs());
    if (run.getWritesStoppedTime() == null
        || s.registry() == null
        || restored(s.registry(), run, s.holder())) {
      return finish(s);
    }
    run.setMessage("waiting for the registry to serve writes again");
    return slowRestoreCheck(s);
  }

  /**
   * The first half of restoring (I3): a Job that has not finished may still start a pod, so it is
   * stopped, and nothing goes on while a pod of the run is live. True while that is so.
   */
  private static boolean stopJob(Step s) {
    GcRunStatus run = s.run();
    JobObservation job = s.seen().job();
    if (job.exists() && !job.finished()) {
      s.actions().add(new DeleteJob(run.getJobName()));
      run.setMessage("stopping GC Job " + run.getJobName() + " before restoring service");
      return true;
    }
    if (job.livePods() > 0) {
      run.setMessage(
          "waiting for " + job.livePods() + " GC pod(s) to terminate before restoring service");
      return true;
    }
    return false;
  }

  /** Give the lock back, leaving the run's outcome on the Registry. */
  private static void releaseLock(Step s) {
    GcRunStatus run = s.run();
    GcRunOutcome outcome = run.getOutcome();
    String now = Conditions.format(s.seen().now());
    GcRecord record =
        new GcRecord(
            now, outcome.getResult().name(), outcome, s.schedule().getMetadata().getName());
    s.actions().add(new StopStrayJobs());
    s.actions().add(new ReleaseLock(s.plan().getRegistry(), run.getId(), record));
    run.setRestoreRequestedTime(now);
  }

  /**
   * What deleting the GcSchedule in the middle of a run does: {@code serviceGivenBack} once the
   * run's Job is stopped, none of its pods is live and the lock is released (by these actions, or
   * before); until then the finalizer stays.
   */
  public record Abandoned(List<Action> actions, boolean serviceGivenBack) {}

  /**
   * The GcSchedule is being deleted during {@code current}: the run ends Failed ({@link
   * GcReason#ScheduleDeleted}) and takes the restore step, up to the lock's release; it does not
   * wait for the registry's pods to serve writes again (the Registry reconciler does that with no
   * schedule left). The end is announced once, with the release.
   */
  public static Abandoned abandon(HasMetadata schedule, GcRunStatus current, Observation seen) {
    GcRunStatus run = Serialization.clone(current);
    boolean endsHere = run.getOutcome() == null;
    if (endsHere) {
      run.setOutcome(
          new GcRunOutcome(
              GcRunResult.Failed,
              GcReason.ScheduleDeleted.name(),
              "the GcSchedule was deleted during run "
                  + run.getId()
                  + "; its Job was stopped and service restored"));
    }
    Step s = new Step(schedule, run, run.getPlan(), seen, new ArrayList<>());
    if (stopJob(s)) {
      return new Abandoned(s.actions(), false);
    }
    if (s.holdsLock()) {
      releaseLock(s);
      if (endsHere) {
        announceEnd(run.getOutcome(), s.actions());
      }
    } else {
      s.actions().add(new StopStrayJobs());
    }
    return new Abandoned(s.actions(), true);
  }

  /**
   * The Registry reconciler has seen the release (its status carries this run's record and no
   * window) and its pods serve the restored configuration. When another run took the lock right
   * after (or finished after), this run's part is over.
   */
  private static boolean restored(Registry registry, GcRunStatus run, String holder) {
    var status = registry.getStatus();
    if (status == null) {
      return false;
    }
    MaintenanceStatus window = status.getMaintenance();
    if (window != null) {
      return !holder.equals(window.getHolder());
    }
    String released = run.getRestoreRequestedTime();
    if (released != null) {
      String seen =
          status.getLastGarbageCollection() == null
              ? null
              : status.getLastGarbageCollection().getTime();
      if (seen != null && Instant.parse(seen).isAfter(Instant.parse(released))) {
        return true; // a later run already finished on this registry
      }
      boolean copied = seen != null && !Instant.parse(seen).isBefore(Instant.parse(released));
      if (!copied && recordOnRegistry(registry, released)) {
        return false; // the Registry reconciler has not seen the release yet
      }
      // else the record was never written (the lock was gone at release) or a replace removed it:
      // nothing to wait for, the Ready condition decides
    }
    var ready = Conditions.find(status.getConditions(), RegistryStatuses.READY);
    return ready
        .map(c -> Conditions.TRUE.equals(c.getStatus()) || "Stopped".equals(c.getReason()))
        .orElse(false);
  }

  /**
   * The release left its record on the Registry, for the Registry reconciler to copy. Both times
   * are written by {@link Conditions#format} (UTC, seconds), so they compare as text, and a value
   * edited by hand never throws.
   */
  private static boolean recordOnRegistry(Registry registry, String released) {
    return GcRecord.of(registry)
        .map(GcRecord::getTime)
        .filter(time -> time != null && time.compareTo(released) >= 0)
        .isPresent();
  }

  private static Advance slowRestoreCheck(Step s) {
    GcRunStatus run = s.run();
    Duration expected = s.plan().quiesceTimeout();
    if (!Boolean.TRUE.equals(run.getRestoreWarned())
        && elapsed(run, s.seen().now()).compareTo(expected) > 0) {
      run.setRestoreWarned(true);
      s.actions()
          .add(
              new Announce(
                  true,
                  GcReason.RestoreSlow,
                  "restoring Registry "
                      + s.plan().getRegistry()
                      + " takes longer than "
                      + format(expected)
                      + ": "
                      + run.getMessage()));
    }
    return waiting(run, s.actions());
  }

  private static Advance finish(Step s) {
    GcRunStatus run = s.run();
    Instant now = s.seen().now();
    GcRunOutcome outcome = run.getOutcome();
    GcRunRecord record = new GcRunRecord();
    record.setId(run.getId());
    record.setRegistry(s.plan().getRegistry());
    record.setRunRequest(run.getRunRequest());
    record.setTrigger(run.getTrigger());
    record.setMode(s.plan().getMode());
    record.setResult(outcome.getResult());
    record.setReason(outcome.getReason());
    record.setMessage(outcome.getMessage());
    record.setStartTime(run.getStartTime());
    record.setFinishTime(Conditions.format(now));
    record.copyCountersFrom(outcome);
    long reclaimed = outcome.getReclaimedBytes() == null ? 0 : outcome.getReclaimedBytes();
    record.setReclaimedBytes(reclaimed);
    record.setReclaimed(Durations.bytes(reclaimed));
    record.setDryRun(s.plan().getDryRun());
    long unavailable = secondsSince(run.getWritesStoppedTime(), now);
    record.setWriteUnavailableSeconds(unavailable);
    record.setWritesRefusedSeconds(secondsSince(run.getWritesRefusedTime(), now));
    if (run.getWritesStoppedTime() != null) {
      s.actions()
          .add(
              new Announce(
                  false,
                  GcReason.Restored,
                  "Registry "
                      + s.plan().getRegistry()
                      + " serves writes again; every push was refused for "
                      + record.getWritesRefusedSeconds()
                      + "s, some for at most "
                      + unavailable
                      + "s from the request"));
    }
    return new Advance(null, record, s.actions(), Duration.ZERO);
  }

  /** Whole seconds from {@code time} (RFC 3339) to {@code now}; 0 when there is no such time. */
  private static long secondsSince(String time, Instant now) {
    return time == null ? 0 : Math.max(0, Duration.between(Instant.parse(time), now).toSeconds());
  }

  /** The end is decided: record it, then restore (every end passes through Restoring: I4). */
  private static Advance ended(
      GcRunStatus run, GcRunOutcome outcome, Observation seen, List<Action> actions) {
    decide(run, outcome, seen.now(), actions);
    return waiting(run, actions);
  }

  private static void decide(
      GcRunStatus run, GcRunOutcome outcome, Instant now, List<Action> actions) {
    run.setOutcome(outcome);
    announceEnd(outcome, actions);
    enter(run, GcRunStep.Restoring, now);
    run.setMessage("restoring service");
  }

  private static void announceEnd(GcRunOutcome outcome, List<Action> actions) {
    if (outcome.getResult() == GcRunResult.Failed) {
      actions.add(
          new Announce(
              true, GcReason.RunFailed, outcome.getReason() + ": " + outcome.getMessage()));
    } else if (outcome.getResult() == GcRunResult.Skipped) {
      actions.add(
          new Announce(
              false, GcReason.RunSkipped, outcome.getReason() + ": " + outcome.getMessage()));
    }
  }

  private static void enter(GcRunStatus run, GcRunStep step, Instant now) {
    run.setStep(step);
    run.setStepStartTime(Conditions.format(now));
  }

  private static Advance waiting(GcRunStatus run, List<Action> actions) {
    return new Advance(run, null, actions, POLL);
  }

  private static Duration elapsed(GcRunStatus run, Instant now) {
    return Duration.between(Instant.parse(run.getStepStartTime()), now);
  }

  /** 90s, 10m, 1h30m: as users write durations in the spec. */
  static String format(Duration d) {
    long h = d.toHours();
    long m = d.toMinutesPart();
    long sec = d.toSecondsPart();
    String text = (h > 0 ? h + "h" : "") + (m > 0 ? m + "m" : "") + (sec > 0 ? sec + "s" : "");
    return text.isEmpty() ? "0s" : text;
  }

  /**
   * The reason for a Job that did not succeed with a report, from its container's exit code: the
   * runner's {@link GcOutcome}, {@code ReportMissing} for an exit 0 without one, {@code JobFailed}
   * for any other code (a crash, OOM kill).
   */
  static GcReason reasonForExit(Integer exitCode) {
    if (exitCode == null) {
      return GcReason.JobFailed;
    }
    if (exitCode == GcOutcome.Succeeded.exitCode()) {
      return GcReason.ReportMissing;
    }
    return GcOutcome.ofExitCode(exitCode)
        .map(o -> GcReason.valueOf(o.reason(false)))
        .orElse(GcReason.JobFailed);
  }

  /**
   * The report's figures as status shows them: every figure the runner sent, with the four that
   * status always showed read as 0 when a report leaves them out.
   */
  private static dev.registryoperator.gcreport.GcCounters figures(GcReport r) {
    var figures = new dev.registryoperator.gcreport.GcCounters();
    figures.copyCountersFrom(r.counters);
    figures.setReclaimedBytes(n(figures.getReclaimedBytes()));
    figures.setEligibleBytes(n(figures.getEligibleBytes()));
    figures.setBlobsDeleted(n(figures.getBlobsDeleted()));
    figures.setManifestsDeleted(n(figures.getManifestsDeleted()));
    return figures;
  }

  /**
   * A success in words, from the facts of the report: bytes only where they were measured, and
   * "integrity verified" only when the runner checked it.
   */
  static String succeeded(GcReport r, boolean dryRun) {
    return retained(r.counters) + collected(r, dryRun);
  }

  /** What retention deleted (or kept for workloads), when it did anything: "" otherwise. */
  private static String retained(dev.registryoperator.gcreport.GcCounters c) {
    if (n(c.getTagsDeleted()) == 0 && n(c.getTagsProtected()) == 0) {
      return "";
    }
    return "retention deleted "
        + n(c.getTagsDeleted())
        + " tags and "
        + n(c.getRetentionManifestsDeleted())
        + " manifests, "
        + n(c.getTagsProtected())
        + " tags protected by workloads; ";
  }

  private static String collected(GcReport r, boolean dryRun) {
    var c = r.counters;
    String storage = storageName(r.storageDriver);
    if (dryRun) {
      return c.bytesKnown()
          ? "dry run: "
              + Durations.bytes(n(c.getEligibleBytes()))
              + " in "
              + n(c.getBlobsEligible())
              + " blobs would be freed"
          : "dry run: "
              + n(c.getBlobsEligible())
              + " blobs would be freed (bytes not measured on "
              + storage
              + " storage)";
    }
    String deleted =
        c.bytesKnown()
            ? "reclaimed "
                + Durations.bytes(n(c.getReclaimedBytes()))
                + " ("
                + n(c.getBlobsDeleted())
                + " blobs, "
                + n(c.getManifestsDeleted())
                + " manifests)"
            : "deleted "
                + n(c.getBlobsDeleted())
                + " blobs and "
                + n(c.getManifestsDeleted())
                + " manifests (bytes not measured on "
                + storage
                + " storage)";
    String integrity =
        r.integrity.verified()
            ? "integrity verified ("
                + r.integrity.manifests()
                + " manifests, "
                + r.integrity.blobs()
                + " blobs)"
            : "integrity not checked" + (c.bytesKnown() ? "" : " on " + storage + " storage");
    return deleted + "; " + integrity;
  }

  /** s3 → S3; other driver names as the config writes them. */
  private static String storageName(String driver) {
    if (driver == null || driver.isBlank()) {
      return "this";
    }
    return "s3".equals(driver) ? "S3" : driver;
  }

  private static String runnerMessage(JobObservation job, Optional<GcReport> report) {
    if (report.isPresent() && report.get().message != null) {
      return report.get().message;
    }
    String tail = job.terminationMessage() == null ? "" : job.terminationMessage().strip();
    if (tail.length() > MESSAGE_TAIL) {
      tail = "..." + tail.substring(tail.length() - MESSAGE_TAIL);
    }
    return "the GC runner exited with code "
        + job.exitCode()
        + (tail.isEmpty() ? " and no report" : ": " + tail);
  }

  private static long n(Long value) {
    return value == null ? 0 : value;
  }

  private static String name(Registry registry) {
    return Objects.requireNonNull(registry).getMetadata().getName();
  }
}
