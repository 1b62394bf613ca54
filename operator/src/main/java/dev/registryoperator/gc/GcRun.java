package dev.registryoperator.gc;

import dev.registryoperator.common.Conditions;
import dev.registryoperator.registry.GcRecord;
import dev.registryoperator.registry.MaintenanceMode;
import dev.registryoperator.registry.MaintenanceRequest;
import dev.registryoperator.registry.MaintenanceStatus;
import dev.registryoperator.registry.PodCensus;
import dev.registryoperator.registry.Registry;
import dev.registryoperator.registry.RegistryStatuses;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The GC run state machine (docs/gc.md). Pure: given the run as persisted in status and what was
 * observed, it returns the run's next state and the actions to take. The reconciler executes the
 * actions, then persists the state; every step is safe to repeat after a restart.
 *
 * <p>Safety: the collect Job is created only when observed pods prove no writable registry pod
 * exists (I2); the lock is released only when no pod of the run's Jobs is live (I3); every end,
 * failure included, passes through Restoring (I4).
 */
public final class GcRun {
  static final Duration POLL = Duration.ofSeconds(5);
  /** A Job pod that cannot be scheduled for this long fails the run. */
  static final Duration UNSCHEDULABLE_GRACE = Duration.ofMinutes(2);
  /** Past the Job's own deadline by this much, the operator deletes the Job itself. */
  static final Duration WATCHDOG_GRACE = Duration.ofMinutes(2);

  private GcRun() {}

  /** What the reconciler saw, all from caches or the API. */
  public record Observation(
      Instant now, Registry registry, PodCensus registryPods, JobObservation job, Optional<MaintenanceRequest> lock) {}

  public sealed interface Action permits AcquireLock, ReleaseLock, CreateJob, DeleteJob, Announce {}

  /** Take the registry's maintenance lock (fails if another holder took it first). */
  public record AcquireLock(MaintenanceRequest request) implements Action {}

  /** Give the lock back, recording the run on the Registry. */
  public record ReleaseLock(String runId, GcRecord record) implements Action {}

  public record CreateJob(Job job) implements Action {}

  public record DeleteJob(String name) implements Action {}

  public record Announce(boolean warning, GcReason reason, String message) implements Action {}

  /** The next state: {@code run} when it goes on, {@code finished} when it ended. */
  public record Advance(GcRunStatus run, GcRunRecord finished, List<Action> actions, Duration requeueAfter) {}

  public static String holder(GcSchedule schedule) {
    return "GcSchedule/" + schedule.getMetadata().getName();
  }

  /** A new run, in its first step. */
  public static GcRunStatus start(GcSchedule schedule, String runId, GcRunTrigger trigger, Instant now) {
    GcRunStatus run = new GcRunStatus();
    run.setId(runId);
    run.setTrigger(trigger);
    run.setStartTime(Conditions.format(now));
    run.setDryRun(schedule.getSpec().effectiveDryRun());
    GcRunStep first;
    if (schedule.getSpec().effectiveDryRun()) {
      first = GcRunStep.Collecting; // nothing is deleted: no maintenance window
    } else if (schedule.getSpec().getMinReclaimableBytes() != null) {
      first = GcRunStep.Preview;
    } else {
      first = GcRunStep.Quiescing;
    }
    enter(run, first, now);
    return run;
  }

  public static Advance advance(GcSchedule schedule, GcRunStatus current, Observation seen) {
    GcRunStatus run = Serialization.clone(current);
    List<Action> actions = new ArrayList<>();
    return switch (run.getStep()) {
      case Preview -> preview(schedule, run, seen, actions);
      case Quiescing -> quiesce(schedule, run, seen, actions);
      case Collecting -> collect(schedule, run, seen, actions);
      case Restoring -> restore(schedule, run, seen, actions);
    };
  }

  private static Advance preview(GcSchedule schedule, GcRunStatus run, Observation seen, List<Action> actions) {
    if (seen.registry() == null) {
      return ended(run, GcRunResult.Failed, GcReason.RegistryDeleted, "the Registry was deleted during the preview", seen, actions);
    }
    if (run.getJobName() == null) {
      boolean colocate = GcJob.mustColocate(schedule, seen.registry(), GcJob.Kind.Preview);
      Job job = GcJob.desired(schedule, seen.registry(), run.getId(), GcJob.Kind.Preview, colocate);
      actions.add(new CreateJob(job));
      run.setJobName(job.getMetadata().getName());
      run.setMessage("preview Job " + job.getMetadata().getName() + " measures what a run would free; the registry stays writable");
      return waiting(run, actions);
    }
    JobObservation job = seen.job();
    Optional<Advance> trouble = jobTrouble(schedule, run, seen, actions, GcReason.PreviewFailed);
    if (trouble.isPresent()) {
      return trouble.get();
    }
    if (!job.finished()) {
      return waiting(run, actions);
    }
    Optional<RunnerReport> report = RunnerReport.parse(job.terminationMessage());
    if (job.phase() != JobObservation.Phase.Succeeded || report.isEmpty()) {
      return ended(run, GcRunResult.Failed, GcReason.PreviewFailed, "preview failed: " + runnerMessage(job, report), seen, actions);
    }
    long eligible = report.get().eligible();
    long minimum = schedule.getSpec().getMinReclaimableBytes();
    if (eligible < minimum) {
      run.setJobName(null);
      GcRunOutcome outcome = new GcRunOutcome(GcRunResult.Skipped, GcReason.BelowThreshold.name(),
          "preview found " + Durations.bytes(eligible) + " reclaimable, below minReclaimableBytes (" + Durations.bytes(minimum) + "); the registry stayed writable");
      outcome.setEligibleBytes(eligible);
      outcome.setReclaimedBytes(0L);
      return ended(run, outcome, seen, actions);
    }
    run.setJobName(null);
    enter(run, GcRunStep.Quiescing, seen.now());
    run.setMessage("preview found " + Durations.bytes(eligible) + " reclaimable");
    return quiesce(schedule, run, seen, actions);
  }

  private static Advance quiesce(GcSchedule schedule, GcRunStatus run, Observation seen, List<Action> actions) {
    if (seen.registry() == null) {
      return ended(run, GcRunResult.Failed, GcReason.RegistryDeleted, "the Registry was deleted before collection began", seen, actions);
    }
    Duration timeout = Durations.parse("spec.quiesceTimeout", schedule.getSpec().effectiveQuiesceTimeout());
    boolean timedOut = elapsed(run, seen.now()).compareTo(timeout) > 0;
    String holder = holder(schedule);
    Optional<MaintenanceRequest> lock = seen.lock();
    boolean ours = lock.isPresent() && lock.get().heldBy(holder, run.getId());
    MaintenanceMode mode = schedule.getSpec().effectiveMode();
    if (!ours) {
      if (lock.isPresent()) {
        String message = lock.get().holder() + " holds the maintenance lock of Registry " + name(seen.registry());
        if (timedOut) {
          return ended(run, GcRunResult.Skipped, GcReason.RegistryBusy, message + " for longer than quiesceTimeout (" + schedule.getSpec().effectiveQuiesceTimeout() + ")", seen, actions);
        }
        run.setMessage("waiting: " + message);
        return waiting(run, actions);
      }
      MaintenanceRequest request = new MaintenanceRequest(holder, run.getId(), mode, Conditions.format(seen.now()));
      actions.add(new AcquireLock(request));
      actions.add(new Announce(false, GcReason.MaintenanceRequested, mode == MaintenanceMode.ReadOnly
          ? "asked Registry " + name(seen.registry()) + " to serve read-only for GC run " + run.getId()
          : "asked Registry " + name(seen.registry()) + " to scale to zero for GC run " + run.getId()));
      run.setWritesStoppedTime(request.since());
      run.setRegistryGeneration(seen.registry().getMetadata().getGeneration());
      run.setMessage("waiting for the registry to " + (mode == MaintenanceMode.ReadOnly ? "become read-only" : "reach zero pods"));
      return waiting(run, actions);
    }
    if (run.getWritesStoppedTime() == null) {
      run.setWritesStoppedTime(lock.get().since()); // the lock was taken, then the operator restarted
    }
    if (run.getRegistryGeneration() == null) {
      run.setRegistryGeneration(seen.registry().getMetadata().getGeneration());
    }
    if (!run.getRegistryGeneration().equals(seen.registry().getMetadata().getGeneration())) {
      return ended(run, GcRunResult.Failed, GcReason.RegistrySpecChanged, "the Registry's spec changed before collection began", seen, actions);
    }
    if (quiesced(seen, holder, mode)) {
      boolean colocate = GcJob.mustColocate(schedule, seen.registry(), GcJob.Kind.Collect);
      Job job = GcJob.desired(schedule, seen.registry(), run.getId(), GcJob.Kind.Collect, colocate);
      actions.add(new CreateJob(job));
      actions.add(new Announce(false, mode == MaintenanceMode.ReadOnly ? GcReason.RegistryReadOnly : GcReason.RegistryScaledDown,
          (mode == MaintenanceMode.ReadOnly ? "no writable registry pod remains" : "no registry pod remains") + "; GC Job " + job.getMetadata().getName() + " started"));
      run.setJobName(job.getMetadata().getName());
      run.setWritesRefusedTime(Conditions.format(seen.now()));
      enter(run, GcRunStep.Collecting, seen.now());
      run.setMessage("GC Job " + job.getMetadata().getName() + " is collecting");
      return waiting(run, actions);
    }
    if (timedOut) {
      return ended(run, GcRunResult.Failed, GcReason.QuiesceTimeout,
          "the registry did not " + (mode == MaintenanceMode.ReadOnly ? "become read-only" : "reach zero pods") + " within quiesceTimeout ("
              + schedule.getSpec().effectiveQuiesceTimeout() + "): " + seen.registryPods().writable() + " writable of " + seen.registryPods().total() + " pods remain",
          seen, actions);
    }
    run.setMessage("waiting for the registry to " + (mode == MaintenanceMode.ReadOnly ? "become read-only" : "reach zero pods") + ": "
        + seen.registryPods().writable() + " writable of " + seen.registryPods().total() + " pods remain");
    return waiting(run, actions);
  }

  /**
   * I2: the Registry reports the window in effect for this holder, and the pods seen here agree:
   * none writable (terminating ones included) or, for ScaleToZero, none at all.
   */
  private static boolean quiesced(Observation seen, String holder, MaintenanceMode mode) {
    MaintenanceStatus reported = seen.registry().getStatus() == null ? null : seen.registry().getStatus().getMaintenance();
    boolean registrySaysSo = reported != null && holder.equals(reported.getHolder()) && Boolean.TRUE.equals(reported.getInEffect());
    boolean podsSaySo = mode == MaintenanceMode.ReadOnly ? seen.registryPods().writable() == 0 : seen.registryPods().total() == 0;
    return registrySaysSo && podsSaySo;
  }

  private static Advance collect(GcSchedule schedule, GcRunStatus run, Observation seen, List<Action> actions) {
    if (run.getJobName() == null) {
      // A dry run starts here: nothing is deleted, so the registry keeps serving writes.
      if (seen.registry() == null) {
        return ended(run, GcRunResult.Failed, GcReason.RegistryDeleted, "the Registry was deleted", seen, actions);
      }
      boolean colocate = GcJob.mustColocate(schedule, seen.registry(), GcJob.Kind.Collect);
      Job job = GcJob.desired(schedule, seen.registry(), run.getId(), GcJob.Kind.Collect, colocate);
      actions.add(new CreateJob(job));
      run.setJobName(job.getMetadata().getName());
      run.setMessage("dry-run Job " + job.getMetadata().getName() + " is measuring");
      return waiting(run, actions);
    }
    if (seen.registry() == null) {
      actions.add(new DeleteJob(run.getJobName()));
      return ended(run, GcRunResult.Failed, GcReason.RegistryDeleted, "the Registry was deleted while GC ran; the Job was stopped", seen, actions);
    }
    if (run.getRegistryGeneration() != null && !run.getRegistryGeneration().equals(seen.registry().getMetadata().getGeneration())) {
      actions.add(new DeleteJob(run.getJobName()));
      return ended(run, GcRunResult.Failed, GcReason.RegistrySpecChanged, "the Registry's spec changed while GC ran; the Job was stopped", seen, actions);
    }
    Optional<Advance> trouble = jobTrouble(schedule, run, seen, actions, GcReason.JobFailed);
    if (trouble.isPresent()) {
      return trouble.get();
    }
    JobObservation job = seen.job();
    if (!job.finished()) {
      return waiting(run, actions);
    }
    Optional<RunnerReport> report = RunnerReport.parse(job.terminationMessage());
    if (job.phase() == JobObservation.Phase.DeadlineExceeded) {
      return ended(run, GcRunResult.Failed, GcReason.DeadlineExceeded,
          "the GC Job ran longer than maxDuration (" + schedule.getSpec().effectiveMaxDuration() + ") and was stopped", seen, actions);
    }
    if (job.phase() == JobObservation.Phase.Succeeded && report.isPresent() && report.get().exitCode() != null && report.get().exitCode() == 0) {
      RunnerReport r = report.get();
      boolean dryRun = Boolean.TRUE.equals(run.getDryRun());
      GcRunOutcome outcome = new GcRunOutcome(GcRunResult.Succeeded,
          (dryRun ? GcReason.DryRunCompleted : GcReason.Collected).name(),
          dryRun
              ? "dry run: " + Durations.bytes(r.eligible()) + " in " + n(r.blobsEligible()) + " blobs would be freed"
              : "reclaimed " + Durations.bytes(r.reclaimed()) + " (" + n(r.blobsDeleted()) + " blobs, " + n(r.manifestsDeleted()) + " manifests); integrity verified");
      outcome.setReclaimedBytes(r.reclaimed());
      outcome.setEligibleBytes(r.eligible());
      outcome.setBlobsDeleted(n(r.blobsDeleted()));
      outcome.setManifestsDeleted(n(r.manifestsDeleted()));
      actions.add(new Announce(false, GcReason.Collected, outcome.getMessage()));
      return ended(run, outcome, seen, actions);
    }
    GcReason reason = reasonForExit(job.exitCode());
    GcRunOutcome outcome = new GcRunOutcome(GcRunResult.Failed, reason.name(), runnerMessage(job, report));
    report.ifPresent(r -> {
      outcome.setReclaimedBytes(r.reclaimed());
      outcome.setEligibleBytes(r.eligible());
      outcome.setBlobsDeleted(n(r.blobsDeleted()));
      outcome.setManifestsDeleted(n(r.manifestsDeleted()));
    });
    return ended(run, outcome, seen, actions);
  }

  /** The Job was deleted, cannot be scheduled, or outlived its deadline. */
  private static Optional<Advance> jobTrouble(GcSchedule schedule, GcRunStatus run, Observation seen, List<Action> actions, GcReason failure) {
    JobObservation job = seen.job();
    if (!job.exists()) {
      return Optional.of(ended(run, GcRunResult.Failed, GcReason.JobDeleted, "Job " + run.getJobName() + " was deleted before it finished", seen, actions));
    }
    if (job.finished()) {
      return Optional.empty();
    }
    if (job.unschedulableSince() != null && Duration.between(job.unschedulableSince(), seen.now()).compareTo(UNSCHEDULABLE_GRACE) > 0) {
      actions.add(new DeleteJob(run.getJobName()));
      boolean colocated = GcJob.mustColocate(schedule, seen.registry(), GcJob.Kind.Collect);
      return Optional.of(ended(run, GcRunResult.Failed, GcReason.Unschedulable,
          "the GC pod could not be scheduled" + (colocated
              ? ": with mode ReadOnly and a single-node (ReadWriteOnce) volume it must run on the node of the registry's pods; free resources there, or use mode ScaleToZero"
              : ""),
          seen, actions));
    }
    Duration deadline = Durations.parse("spec.maxDuration", schedule.getSpec().effectiveMaxDuration()).plus(WATCHDOG_GRACE);
    if (elapsed(run, seen.now()).compareTo(deadline) > 0) {
      actions.add(new DeleteJob(run.getJobName()));
      return Optional.of(ended(run, GcRunResult.Failed, GcReason.DeadlineExceeded,
          "the GC Job ran longer than maxDuration (" + schedule.getSpec().effectiveMaxDuration() + ") and was deleted", seen, actions));
    }
    return Optional.empty();
  }

  private static Advance restore(GcSchedule schedule, GcRunStatus run, Observation seen, List<Action> actions) {
    JobObservation job = seen.job();
    if (job.exists() && !job.finished()) {
      // A Job that has not finished may still start a pod: stop it before giving service back.
      actions.add(new DeleteJob(run.getJobName()));
      run.setMessage("stopping GC Job " + run.getJobName() + " before restoring service");
      return slowRestoreCheck(schedule, run, seen, actions);
    }
    if (job.livePods() > 0) {
      run.setMessage("waiting for " + job.livePods() + " GC pod(s) to terminate before restoring service");
      return slowRestoreCheck(schedule, run, seen, actions);
    }
    String holder = holder(schedule);
    boolean ours = seen.lock().isPresent() && seen.lock().get().heldBy(holder, run.getId());
    if (ours) {
      GcRunOutcome outcome = run.getOutcome();
      String now = Conditions.format(seen.now());
      actions.add(new ReleaseLock(run.getId(), new GcRecord(now, outcome.getResult().name(), outcome.getReclaimedBytes() == null ? 0L : outcome.getReclaimedBytes(), schedule.getMetadata().getName())));
      run.setRestoreRequestedTime(now);
      run.setMessage("maintenance lock released; waiting for the registry to serve writes again");
      return waiting(run, actions);
    }
    if (run.getWritesStoppedTime() == null || seen.registry() == null || restored(seen.registry(), run, holder)) {
      return finish(schedule, run, seen, actions);
    }
    run.setMessage("waiting for the registry to serve writes again");
    return slowRestoreCheck(schedule, run, seen, actions);
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
      String seen = status.getLastGarbageCollection() == null ? null : status.getLastGarbageCollection().getTime();
      if (seen == null || Instant.parse(seen).isBefore(Instant.parse(released))) {
        return false; // the Registry reconciler has not seen the release yet
      }
      if (Instant.parse(seen).isAfter(Instant.parse(released))) {
        return true; // a later run already finished on this registry
      }
    }
    var ready = Conditions.find(status.getConditions(), RegistryStatuses.READY);
    return ready.map(c -> Conditions.TRUE.equals(c.getStatus()) || "Stopped".equals(c.getReason())).orElse(false);
  }

  private static Advance slowRestoreCheck(GcSchedule schedule, GcRunStatus run, Observation seen, List<Action> actions) {
    Duration expected = Durations.parse("spec.quiesceTimeout", schedule.getSpec().effectiveQuiesceTimeout());
    if (!Boolean.TRUE.equals(run.getRestoreWarned()) && elapsed(run, seen.now()).compareTo(expected) > 0) {
      run.setRestoreWarned(true);
      actions.add(new Announce(true, GcReason.RestoreSlow, "restoring Registry " + (seen.registry() == null ? "" : name(seen.registry()))
          + " takes longer than " + schedule.getSpec().effectiveQuiesceTimeout() + ": " + run.getMessage()));
    }
    return waiting(run, actions);
  }

  private static Advance finish(GcSchedule schedule, GcRunStatus run, Observation seen, List<Action> actions) {
    GcRunOutcome outcome = run.getOutcome();
    GcRunRecord record = new GcRunRecord();
    record.setId(run.getId());
    record.setTrigger(run.getTrigger());
    record.setResult(outcome.getResult());
    record.setReason(outcome.getReason());
    record.setMessage(outcome.getMessage());
    record.setStartTime(run.getStartTime());
    record.setFinishTime(Conditions.format(seen.now()));
    long reclaimed = outcome.getReclaimedBytes() == null ? 0 : outcome.getReclaimedBytes();
    record.setReclaimedBytes(reclaimed);
    record.setReclaimed(Durations.bytes(reclaimed));
    record.setEligibleBytes(outcome.getEligibleBytes());
    record.setBlobsDeleted(outcome.getBlobsDeleted());
    record.setManifestsDeleted(outcome.getManifestsDeleted());
    record.setDryRun(run.getDryRun());
    long unavailable = secondsSince(run.getWritesStoppedTime(), seen.now());
    record.setWriteUnavailableSeconds(unavailable);
    record.setWritesRefusedSeconds(secondsSince(run.getWritesRefusedTime(), seen.now()));
    if (run.getWritesStoppedTime() != null) {
      actions.add(new Announce(false, GcReason.Restored, "Registry " + (seen.registry() == null ? "(deleted)" : name(seen.registry()))
          + " serves writes again; every push was refused for " + record.getWritesRefusedSeconds() + "s, some for at most " + unavailable + "s from the request"));
    }
    return new Advance(null, record, actions, Duration.ZERO);
  }

  /** Whole seconds from {@code time} (RFC 3339) to {@code now}; 0 when there is no such time. */
  private static long secondsSince(String time, Instant now) {
    return time == null ? 0 : Math.max(0, Duration.between(Instant.parse(time), now).toSeconds());
  }

  private static Advance ended(GcRunStatus run, GcRunResult result, GcReason reason, String message, Observation seen, List<Action> actions) {
    return ended(run, new GcRunOutcome(result, reason.name(), message), seen, actions);
  }

  /** The end is decided: record it, then restore (every end passes through Restoring: I4). */
  private static Advance ended(GcRunStatus run, GcRunOutcome outcome, Observation seen, List<Action> actions) {
    decide(run, outcome, seen.now(), actions);
    return waiting(run, actions);
  }

  private static void decide(GcRunStatus run, GcRunOutcome outcome, Instant now, List<Action> actions) {
    run.setOutcome(outcome);
    announceEnd(outcome, actions);
    enter(run, GcRunStep.Restoring, now);
    run.setMessage("restoring service");
  }

  private static void announceEnd(GcRunOutcome outcome, List<Action> actions) {
    if (outcome.getResult() == GcRunResult.Failed) {
      actions.add(new Announce(true, GcReason.RunFailed, outcome.getReason() + ": " + outcome.getMessage()));
    } else if (outcome.getResult() == GcRunResult.Skipped) {
      actions.add(new Announce(false, GcReason.RunSkipped, outcome.getReason() + ": " + outcome.getMessage()));
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

  private static GcReason reasonForExit(Integer exitCode) {
    if (exitCode == null) {
      return GcReason.JobFailed;
    }
    return switch (exitCode) {
      case RunnerReport.EXIT_USAGE -> GcReason.ConfigurationError;
      case RunnerReport.EXIT_GC_FAILED -> GcReason.GarbageCollectFailed;
      case RunnerReport.EXIT_REFUSED -> GcReason.PreflightRefused;
      case RunnerReport.EXIT_INTEGRITY -> GcReason.IntegrityCheckFailed;
      case 0 -> GcReason.ReportMissing;
      default -> GcReason.JobFailed;
    };
  }

  private static String runnerMessage(JobObservation job, Optional<RunnerReport> report) {
    if (report.isPresent() && report.get().message() != null) {
      return report.get().message();
    }
    String tail = job.terminationMessage() == null ? "" : job.terminationMessage().strip();
    if (tail.length() > 300) {
      tail = "..." + tail.substring(tail.length() - 300);
    }
    return "the GC runner exited with code " + job.exitCode() + (tail.isEmpty() ? " and no report" : ": " + tail);
  }

  private static long n(Long value) {
    return value == null ? 0 : value;
  }

  private static String name(Registry registry) {
    return registry.getMetadata().getName();
  }
}
