package dev.registryoperator.gc;

import dev.registryoperator.common.Conditions;
import dev.registryoperator.common.EventRecorder;
import dev.registryoperator.common.Labels;
import dev.registryoperator.registry.GcRecord;
import dev.registryoperator.registry.MaintenanceLock;
import dev.registryoperator.registry.MaintenanceRequest;
import dev.registryoperator.registry.PodCensus;
import dev.registryoperator.registry.Registry;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a GcSchedule: validate, move the run in progress one step (GcRun), start a run when
 * one is due or requested, report. It never writes the Registry's Deployment (I1): it asks for
 * maintenance through the Registry's lock annotation. Annotation changes (run requests) must wake
 * it, so it does not filter events by generation.
 */
@ControllerConfiguration(name = "gcschedule", generationAwareEventProcessing = false)
public class GcScheduleReconciler implements Reconciler<GcSchedule>, Cleaner<GcSchedule> {
  private static final Logger LOG = LoggerFactory.getLogger(GcScheduleReconciler.class);
  static final String READY = "Ready";
  static final String RUNNING = "Running";

  private final EventRecorder events;
  private final MaintenanceLock lock;
  private final Clock clock;

  public GcScheduleReconciler(EventRecorder events, MaintenanceLock lock, Clock clock) {
    this.events = events;
    this.lock = lock;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, GcSchedule>> prepareEventSources(EventSourceContext<GcSchedule> context) {
    return GcEventSources.create(context);
  }

  @Override
  public UpdateControl<GcSchedule> reconcile(GcSchedule schedule, Context<GcSchedule> context) {
    Instant now = clock.instant();
    GcScheduleStatus status = schedule.getStatus() == null ? new GcScheduleStatus() : Serialization.clone(schedule.getStatus());
    Long generation = schedule.getMetadata().getGeneration();
    status.setObservedGeneration(generation);
    Registry registry = registry(schedule, context);

    Optional<String> problem = GcScheduleValidator.validate(schedule).or(() -> GcScheduleValidator.validateAgainst(schedule.getSpec(), registry));
    GcReason readyReason = problem.isPresent() ? GcReason.InvalidSpec : registry == null ? GcReason.RegistryNotFound : GcReason.Valid;
    String readyMessage = problem.orElseGet(() -> registry == null
        ? "Registry '" + schedule.getSpec().getRegistryRef().getName() + "' not found in namespace '" + schedule.getMetadata().getNamespace() + "'"
        : "schedule valid; Registry " + registry.getMetadata().getName() + " found");
    boolean ready = readyReason == GcReason.Valid;
    warnOnce(schedule, ready, readyReason, readyMessage);
    status.setConditions(Conditions.set(status.getConditions(), READY, ready, readyReason.name(), readyMessage, generation, now));

    Duration requeue = null;
    // A run in progress goes on even when the spec turned invalid: it must restore service.
    if (status.getCurrentRun() != null) {
      requeue = advance(schedule, status, registry, context, now);
    }
    if (status.getCurrentRun() == null && ready) {
      startIfDue(schedule, status, registry, now);
      if (status.getCurrentRun() != null) {
        requeue = Duration.ofMillis(200);
      }
    }
    Optional<Instant> next = ready ? nextRun(schedule, now) : Optional.empty();
    status.setNextRunTime(next.map(Conditions::format).orElse(null));
    setRunning(schedule, status, generation, now);

    if (next.isPresent()) {
      Duration untilNext = Duration.between(now, next.get()).plusMillis(50);
      requeue = requeue == null || untilNext.compareTo(requeue) < 0 ? untilNext : requeue;
    }
    UpdateControl<GcSchedule> control = patchIfChanged(schedule, status, context);
    return requeue == null ? control : control.rescheduleAfter(requeue.isNegative() ? Duration.ZERO : requeue);
  }

  /** Moves the run one step; returns when to look again. */
  private Duration advance(GcSchedule schedule, GcScheduleStatus status, Registry registry, Context<GcSchedule> context, Instant now) {
    GcRunStatus run = status.getCurrentRun();
    GcRun.Observation seen = observe(schedule, run, registry, context, now);
    GcRun.Advance next = GcRun.advance(schedule, run, seen);
    if (!execute(schedule, next.actions(), context)) {
      return Duration.ofSeconds(1); // lost a race for the lock: look again, from fresh state
    }
    status.setCurrentRun(next.run());
    if (next.finished() != null) {
      GcHistory.record(status, next.finished(), schedule.getSpec().effectiveHistoryLimit());
      LOG.info("GcSchedule {}/{} run {} finished: {} {}", schedule.getMetadata().getNamespace(), schedule.getMetadata().getName(),
          next.finished().getId(), next.finished().getResult(), next.finished().getMessage());
    }
    return next.requeueAfter();
  }

  private GcRun.Observation observe(GcSchedule schedule, GcRunStatus run, Registry registry, Context<GcSchedule> context, Instant now) {
    String namespace = schedule.getMetadata().getNamespace();
    List<Pod> pods = context.getSecondaryResources(Pod.class).stream()
        .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
        .toList();
    List<Pod> registryPods = registry == null ? List.of() : pods.stream()
        .filter(p -> Labels.COMPONENT_REGISTRY.equals(p.getMetadata().getLabels().get(Labels.COMPONENT))
            && registry.getMetadata().getName().equals(p.getMetadata().getLabels().get(Labels.INSTANCE)))
        .toList();
    List<Pod> runPods = pods.stream()
        .filter(p -> schedule.getMetadata().getName().equals(p.getMetadata().getLabels().get(GcJob.SCHEDULE_LABEL))
            && run.getId().equals(p.getMetadata().getLabels().get(GcJob.RUN_LABEL)))
        .toList();
    JobObservation job = run.getJobName() == null
        ? JobObservation.absent(runPods)
        : JobObservation.of(job(context, namespace, run.getJobName()), runPods);
    return new GcRun.Observation(now, registry, PodCensus.of(registryPods, null), job,
        registry == null ? Optional.empty() : MaintenanceRequest.of(registry));
  }

  /** Runs the actions in order; false when the lock was taken by another holder first. */
  private boolean execute(GcSchedule schedule, List<GcRun.Action> actions, Context<GcSchedule> context) {
    KubernetesClient client = context.getClient();
    String namespace = schedule.getMetadata().getNamespace();
    String registryName = schedule.getSpec().getRegistryRef().getName();
    for (GcRun.Action action : actions) {
      if (action instanceof GcRun.AcquireLock a) {
        if (!lock.acquire(namespace, registryName, a.request())) {
          return false;
        }
      } else if (action instanceof GcRun.ReleaseLock r) {
        if (!lock.release(namespace, registryName, GcRun.holder(schedule), r.runId(), r.record())) {
          return false;
        }
      } else if (action instanceof GcRun.CreateJob c) {
        try {
          client.resource(c.job()).create();
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
        }
      } else if (action instanceof GcRun.DeleteJob d) {
        client.batch().v1().jobs().inNamespace(namespace).withName(d.name())
            .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
      } else if (action instanceof GcRun.Announce e) {
        if (e.warning()) {
          events.warning(schedule, e.reason(), e.message());
        } else {
          events.normal(schedule, e.reason(), e.message());
        }
      }
    }
    return true;
  }

  private void startIfDue(GcSchedule schedule, GcScheduleStatus status, Registry registry, Instant now) {
    String requested = annotation(schedule, GcSchedule.RUN_REQUESTED_AT);
    GcRunTrigger trigger = null;
    if (requested != null && !requested.equals(status.getLastHandledRunRequest())) {
      status.setLastHandledRunRequest(requested);
      trigger = GcRunTrigger.Manual;
    }
    GcScheduleSpec.Schedule cron = schedule.getSpec().getSchedule();
    if (cron != null && !Boolean.TRUE.equals(cron.getSuspend())) {
      CronSchedule.Decision decision = CronSchedule.parse(cron.getCron(), cron.getTimeZone()).decide(
          status.getLastScheduleTime() == null ? null : Instant.parse(status.getLastScheduleTime()),
          Instant.parse(schedule.getMetadata().getCreationTimestamp()), now, cron.getStartingDeadlineSeconds());
      if (decision.missed().isPresent()) {
        status.setLastScheduleTime(Conditions.format(decision.missed().get()));
        events.warning(schedule, GcReason.MissedSchedule, "the run due at " + decision.missed().get()
            + " was missed by more than startingDeadlineSeconds (" + cron.getStartingDeadlineSeconds() + "s) and is skipped");
      }
      if (decision.runFor().isPresent()) {
        status.setLastScheduleTime(Conditions.format(decision.runFor().get()));
        trigger = trigger == null ? GcRunTrigger.Schedule : trigger;
      }
    }
    if (trigger == null) {
      return;
    }
    long count = status.getRunCount() == null ? 1 : status.getRunCount() + 1;
    status.setRunCount(count);
    GcRunStatus run = GcRun.start(schedule, "r" + count, trigger, now);
    status.setCurrentRun(run);
    events.normal(schedule, GcReason.RunStarted, trigger + " run " + run.getId() + " started on Registry " + registry.getMetadata().getName()
        + " (mode " + schedule.getSpec().effectiveMode() + (Boolean.TRUE.equals(run.getDryRun()) ? ", dry run" : "") + ")");
  }

  @Override
  public DeleteControl cleanup(GcSchedule schedule, Context<GcSchedule> context) {
    KubernetesClient client = context.getClient();
    String namespace = schedule.getMetadata().getNamespace();
    var jobs = client.batch().v1().jobs().inNamespace(namespace).withLabel(GcJob.SCHEDULE_LABEL, schedule.getMetadata().getName());
    List<Pod> pods = client.pods().inNamespace(namespace).withLabel(GcJob.SCHEDULE_LABEL, schedule.getMetadata().getName()).list().getItems();
    for (Job job : jobs.list().getItems()) {
      if (!JobObservation.of(job, List.of()).finished()) {
        client.resource(job).withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
      }
    }
    int live = JobObservation.absent(pods).livePods();
    if (live > 0) {
      LOG.info("GcSchedule {}/{} deleted; waiting for {} GC pod(s) to terminate before restoring the registry", namespace, schedule.getMetadata().getName(), live);
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(1));
    }
    GcRunStatus run = schedule.getStatus() == null ? null : schedule.getStatus().getCurrentRun();
    GcRecord record = run == null ? null : new GcRecord(Conditions.format(clock.instant()), GcRunResult.Failed.name(), 0L, schedule.getMetadata().getName());
    if (schedule.getSpec() != null && schedule.getSpec().getRegistryRef() != null
        && !lock.release(namespace, schedule.getSpec().getRegistryRef().getName(), GcRun.holder(schedule), null, record)) {
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(1));
    }
    if (run != null) {
      events.warning(schedule, GcReason.RunFailed, GcReason.ScheduleDeleted + ": the GcSchedule was deleted during run " + run.getId() + "; its Job was stopped and service restored");
    }
    return DeleteControl.defaultDelete();
  }

  private Optional<Instant> nextRun(GcSchedule schedule, Instant now) {
    GcScheduleSpec.Schedule cron = schedule.getSpec().getSchedule();
    if (cron == null || Boolean.TRUE.equals(cron.getSuspend())) {
      return Optional.empty();
    }
    return CronSchedule.parse(cron.getCron(), cron.getTimeZone()).nextAfter(now);
  }

  private static void setRunning(GcSchedule schedule, GcScheduleStatus status, Long generation, Instant now) {
    GcRunStatus run = status.getCurrentRun();
    boolean suspended = schedule.getSpec().getSchedule() != null && Boolean.TRUE.equals(schedule.getSpec().getSchedule().getSuspend());
    status.setConditions(Conditions.set(status.getConditions(), RUNNING, run != null,
        (run != null ? GcReason.RunInProgress : suspended ? GcReason.Suspended : GcReason.Idle).name(),
        run != null ? "run " + run.getId() + " " + run.getStep() + ": " + run.getMessage()
            : suspended ? "scheduled runs are suspended; requested runs still happen" : "no run in progress",
        generation, now));
  }

  private void warnOnce(GcSchedule schedule, boolean ready, GcReason reason, String message) {
    if (ready) {
      return;
    }
    boolean reported = schedule.getStatus() != null && Conditions.find(schedule.getStatus().getConditions(), READY)
        .filter(c -> reason.name().equals(c.getReason()) && message.equals(c.getMessage())).isPresent();
    if (!reported) {
      events.warning(schedule, reason, message);
    }
  }

  /** Writes status as the Registry reconciler does: PUT with its resourceVersion, then cached. */
  private UpdateControl<GcSchedule> patchIfChanged(GcSchedule schedule, GcScheduleStatus status, Context<GcSchedule> context) {
    if (schedule.getStatus() != null && Serialization.asJson(schedule.getStatus()).equals(Serialization.asJson(status))) {
      return UpdateControl.noUpdate();
    }
    PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(schedule, context, s -> {
      s.setStatus(status);
      return s;
    });
    return UpdateControl.noUpdate();
  }

  @SuppressWarnings("unchecked")
  private static Registry registry(GcSchedule schedule, Context<GcSchedule> context) {
    if (schedule.getSpec() == null || schedule.getSpec().getRegistryRef() == null || schedule.getSpec().getRegistryRef().getName() == null) {
      return null;
    }
    var registries = (InformerEventSource<Registry, GcSchedule>) context.eventSourceRetriever().getEventSourceFor(Registry.class);
    return registries.get(new ResourceID(schedule.getSpec().getRegistryRef().getName(), schedule.getMetadata().getNamespace())).orElse(null);
  }

  /** The run's Job from the cache, or from the API when the cache has not seen a fresh create yet. */
  @SuppressWarnings("unchecked")
  private static Job job(Context<GcSchedule> context, String namespace, String name) {
    var jobs = (InformerEventSource<Job, GcSchedule>) context.eventSourceRetriever().getEventSourceFor(Job.class);
    return jobs.get(new ResourceID(name, namespace))
        .orElseGet(() -> context.getClient().batch().v1().jobs().inNamespace(namespace).withName(name).get());
  }

  private static String annotation(GcSchedule schedule, String key) {
    Map<String, String> annotations = schedule.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }
}
