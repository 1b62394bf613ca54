package dev.registryoperator.gc;

import dev.registryoperator.common.Conditions;
import dev.registryoperator.common.EventRecorder;
import dev.registryoperator.common.StatusWrites;
import dev.registryoperator.registry.MaintenanceLock;
import dev.registryoperator.registry.MaintenanceRequest;
import dev.registryoperator.registry.PodCensus;
import dev.registryoperator.registry.Registry;
import dev.registryoperator.registry.RegistryStatuses;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Reconciles a GcSchedule: validate, move the run in progress one step (GcRun), start a run when
 * one is due or requested, report. It never writes the Registry's Deployment (I1): it asks for
 * maintenance through the Registry's lock annotation. Annotation changes (run requests) must wake
 * it, so it does not filter events by generation.
 */
@ControllerConfiguration(
    name = "gcschedule",
    generationAwareEventProcessing = false,
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class GcScheduleReconciler implements Reconciler<GcSchedule>, Cleaner<GcSchedule> {
  private static final Logger LOG = LoggerFactory.getLogger(GcScheduleReconciler.class);

  /** The MDC key of the run id, on the lines logged while a run is worked on. */
  static final String RUN_MDC_KEY = "gc.run";

  static final String READY = "Ready";
  static final String RUNNING = "Running";

  /** A run just started or moved on: look again soon rather than at the next poll. */
  static final Duration STEP_REQUEUE = Duration.ofMillis(200);

  /** A lock race lost: read again, from fresh state. */
  static final Duration RACE_REQUEUE = Duration.ofSeconds(1);

  /** Retries of API errors double from the first to the last. */
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);

  static final Duration LAST_RETRY = Duration.ofSeconds(30);

  /** Registry Ready reasons that mean its spec cannot be served until the user fixes it. */
  private static final Set<String> REGISTRY_BAD_INPUT =
      Set.of("InvalidSpec", "OwnedConfigKey", "SecretMissing", "SecretInvalid");

  private final EventRecorder events;
  private final GcRunActions actions;
  private final MaintenanceLock lock;
  private final Clock clock;
  private volatile IndexerResourceCache<GcSchedule> cache;
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();

  /**
   * @param protection the images workloads use from a Registry, which retention keeps
   */
  public GcScheduleReconciler(
      EventRecorder events, MaintenanceLock lock, Clock clock, WorkloadProtection protection) {
    this.events = events;
    this.lock = lock;
    this.actions = new GcRunActions(events, lock, protection);
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, GcSchedule>> prepareEventSources(
      EventSourceContext<GcSchedule> context) {
    cache = context.getPrimaryCache();
    return GcEventSources.create(context);
  }

  /** The GcSchedules in this controller's cache (none before it started): what metrics read. */
  public Stream<GcSchedule> cached() {
    IndexerResourceCache<GcSchedule> current = cache;
    return current == null ? Stream.empty() : current.list();
  }

  @Override
  public UpdateControl<GcSchedule> reconcile(GcSchedule schedule, Context<GcSchedule> context) {
    Instant now = clock.instant();
    GcScheduleStatus status =
        schedule.getStatus() == null
            ? new GcScheduleStatus()
            : Serialization.clone(schedule.getStatus());
    Long generation = schedule.getMetadata().getGeneration();
    status.setObservedGeneration(generation);
    Registry registry =
        registry(context, schedule.getMetadata().getNamespace(), specRegistry(schedule));

    Readiness readiness = readiness(schedule, registry);
    warnOnce(schedule, readiness.ready(), readiness.reason(), readiness.message());
    status.setConditions(
        Conditions.set(
            status.getConditions(),
            READY,
            readiness.ready(),
            readiness.reason().name(),
            readiness.message(),
            generation,
            now));

    Duration requeue = null;
    // A run in progress goes on even when the spec turned invalid: it must restore service.
    if (status.getCurrentRun() != null) {
      requeue = advance(schedule, status, context, now);
    }
    if (status.getCurrentRun() == null) {
      if (readiness.ready()) {
        startIfDue(schedule, status, registry, now);
        if (status.getCurrentRun() != null) {
          requeue = STEP_REQUEUE;
        }
      } else {
        refuseRequest(schedule, status, readiness, now);
      }
    }
    Optional<Instant> next = readiness.ready() ? nextRun(schedule, now) : Optional.empty();
    status.setNextRunTime(next.map(Conditions::format).orElse(null));
    setRunning(schedule, status, generation, now);

    if (next.isPresent()) {
      Duration untilNext = Duration.between(now, next.get()).plusMillis(50);
      requeue = requeue == null || untilNext.compareTo(requeue) < 0 ? untilNext : requeue;
    }
    UpdateControl<GcSchedule> control = StatusWrites.putIfChanged(schedule, status, context);
    return requeue == null
        ? control
        : control.rescheduleAfter(requeue.isNegative() ? Duration.ZERO : requeue);
  }

  private record Readiness(boolean ready, GcReason reason, String message) {}

  private static Readiness readiness(GcSchedule schedule, Registry registry) {
    Optional<String> problem =
        GcScheduleValidator.validate(schedule)
            .or(
                () ->
                    registry == null
                        ? Optional.empty()
                        : GcScheduleValidator.validateAgainst(schedule.getSpec(), registry));
    if (problem.isPresent()) {
      return new Readiness(false, GcReason.InvalidSpec, problem.get());
    }
    if (registry == null) {
      return new Readiness(
          false,
          GcReason.RegistryNotFound,
          "Registry '"
              + specRegistry(schedule)
              + "' not found in namespace '"
              + schedule.getMetadata().getNamespace()
              + "'");
    }
    Optional<Condition> registryReady =
        registry.getStatus() == null
            ? Optional.empty()
            : Conditions.find(registry.getStatus().getConditions(), RegistryStatuses.READY);
    if (registryReady
        .filter(
            c ->
                !Conditions.TRUE.equals(c.getStatus())
                    && REGISTRY_BAD_INPUT.contains(c.getReason()))
        .isPresent()) {
      return new Readiness(
          false,
          GcReason.RegistryNotReady,
          "Registry "
              + registry.getMetadata().getName()
              + " is not ready ("
              + registryReady.get().getReason()
              + "): "
              + registryReady.get().getMessage());
    }
    return new Readiness(
        true,
        GcReason.Valid,
        "schedule valid; Registry " + registry.getMetadata().getName() + " found");
  }

  /**
   * A run requested while no run can start is answered now, not kept to start when someone fixes a
   * typo.
   */
  private void refuseRequest(
      GcSchedule schedule, GcScheduleStatus status, Readiness readiness, Instant now) {
    String requested = annotation(schedule, GcSchedule.RUN_REQUESTED_AT);
    if (requested == null || requested.equals(status.getLastHandledRunRequest())) {
      return;
    }
    status.setLastHandledRunRequest(requested);
    GcRunRecord refused = new GcRunRecord();
    long count = status.getRunCount() == null ? 1 : status.getRunCount() + 1;
    status.setRunCount(count);
    refused.setId("r" + count);
    refused.setTrigger(GcRunTrigger.Manual);
    refused.setRunRequest(requested);
    refused.setRegistry(specRegistry(schedule));
    refused.setMode(schedule.getSpec() == null ? null : schedule.getSpec().effectiveMode());
    refused.setResult(GcRunResult.Skipped);
    refused.setReason(readiness.reason().name());
    refused.setMessage("run requested at " + requested + " refused: " + readiness.message());
    refused.setStartTime(Conditions.format(now));
    refused.setFinishTime(Conditions.format(now));
    refused.setReclaimedBytes(0L);
    refused.setReclaimed(Durations.bytes(0));
    GcHistory.record(status, refused, historyLimit(schedule));
    events.warning(schedule, GcReason.RunRefused, refused.getMessage());
  }

  /** Moves the run one step; returns when to look again. Its lines carry the run id (MDC). */
  private Duration advance(
      GcSchedule schedule, GcScheduleStatus status, Context<GcSchedule> context, Instant now) {
    MDC.put(RUN_MDC_KEY, status.getCurrentRun().getId());
    try {
      return advanceRun(schedule, status, context, now);
    } finally {
      MDC.remove(RUN_MDC_KEY);
    }
  }

  private Duration advanceRun(
      GcSchedule schedule, GcScheduleStatus status, Context<GcSchedule> context, Instant now) {
    GcRunStatus run = status.getCurrentRun();
    if (run.getPlan() == null) {
      // A run started by an operator that kept no plan (an upgrade): take one from the spec as it
      // is
      // now, whatever it holds, so the run can always end and restore.
      run.setPlan(
          GcRunPlan.recover(
              schedule.getSpec(),
              registry(context, schedule.getMetadata().getNamespace(), specRegistry(schedule))));
    }
    GcRun.Observation seen = observe(schedule, run, context, now);
    GcRun.Advance next = GcRun.advance(schedule, run, seen);
    String key = schedule.getMetadata().getNamespace() + "/" + schedule.getMetadata().getName();
    GcRunActions.Result result;
    try {
      result = actions.execute(schedule, run.getId(), next.actions(), context.getClient());
    } catch (GcRunActions.TransientApiError e) {
      int attempt = failures.merge(key, 1, Integer::sum);
      Duration retry = backoff(attempt);
      LOG.warn(
          "GcSchedule {} run {}: API error, retrying in {}: {}",
          key,
          run.getId(),
          retry,
          e.getMessage());
      if (attempt == 1) {
        events.warning(
            schedule,
            GcReason.ApiError,
            "run " + run.getId() + " " + run.getStep() + ": " + e.getMessage() + "; retrying");
      }
      run.setMessage(
          "retrying in " + retry.toSeconds() + "s after an API error: " + e.getMessage());
      return retry;
    }
    failures.remove(key);
    if (result.lostRace()) {
      return RACE_REQUEUE;
    }
    if (result.rejected()) {
      next = GcRun.rejected(run, result.rejectedJob(), result.rejection(), now);
      actions.execute(schedule, run.getId(), next.actions(), context.getClient());
    }
    status.setCurrentRun(next.run());
    if (next.finished() != null) {
      GcHistory.record(status, next.finished(), historyLimit(schedule));
      LOG.info(
          "GcSchedule {} run {} finished: {} {}",
          key,
          next.finished().getId(),
          next.finished().getResult(),
          next.finished().getMessage());
    }
    return result.rejected() ? STEP_REQUEUE : next.requeueAfter();
  }

  static Duration backoff(int attempt) {
    long millis = FIRST_RETRY.toMillis() << Math.min(attempt - 1, 10);
    return millis > LAST_RETRY.toMillis() ? LAST_RETRY : Duration.ofMillis(millis);
  }

  /**
   * The registry's pods and the run's Jobs and pods, straight from the informers' caches by label.
   */
  private GcRun.Observation observe(
      GcSchedule schedule, GcRunStatus run, Context<GcSchedule> context, Instant now) {
    String namespace = schedule.getMetadata().getNamespace();
    String registryName = run.getPlan().getRegistry();
    Registry registry = registry(context, namespace, registryName);
    InformerEventSource<Pod, GcSchedule> pods = informer(context, Pod.class);
    List<Pod> registryPods =
        pods.byIndex(
            GcEventSources.POD_INDEX, GcEventSources.registryPodsKey(namespace, registryName));
    List<Pod> runPods =
        pods.byIndex(
            GcEventSources.POD_INDEX,
            GcEventSources.runPodsKey(namespace, schedule.getMetadata().getName(), run.getId()));
    Job job = run.getJobName() == null ? null : job(context, namespace, run.getJobName());
    return observation(
        schedule, run, now, registry, registryPods, runPods, job, context.getClient());
  }

  /**
   * What a step sees: {@code job} the run's Job (null when it has none or it is gone), {@code
   * client} set when a Job without a pod past podStartTimeout should be explained by its
   * FailedCreate event.
   */
  private static GcRun.Observation observation(
      GcSchedule schedule,
      GcRunStatus run,
      Instant now,
      Registry registry,
      List<Pod> registryPods,
      List<Pod> runPods,
      Job job,
      KubernetesClient client) {
    JobObservation observed;
    if (job == null) {
      observed = JobObservation.absent(runPods);
    } else {
      String uid = job.getMetadata().getUid();
      List<Pod> jobPods = runPods.stream().filter(p -> controlledBy(p, uid)).toList();
      String failedCreate = null;
      boolean podless =
          client != null
              && jobPods.isEmpty()
              && run.getStepStartTime() != null
              && Duration.between(Instant.parse(run.getStepStartTime()), now)
                      .compareTo(run.getPlan().podStartTimeout())
                  > 0;
      if (podless) {
        failedCreate =
            GcRunActions.failedCreate(
                client, schedule.getMetadata().getNamespace(), run.getJobName());
      }
      observed = JobObservation.of(job, jobPods, runPods, failedCreate);
    }
    return new GcRun.Observation(
        now,
        registry,
        PodCensus.of(registryPods, null),
        observed,
        registry == null ? Optional.empty() : MaintenanceRequest.of(registry),
        schedule.getSpec() == null ? null : schedule.getSpec().getJob());
  }

  private static boolean controlledBy(Pod pod, String jobUid) {
    return jobUid != null
        && pod.getMetadata().getOwnerReferences() != null
        && pod.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> Boolean.TRUE.equals(o.getController()) && jobUid.equals(o.getUid()));
  }

  private static String label(HasMetadata pod, String key) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }

  private void startIfDue(
      GcSchedule schedule, GcScheduleStatus status, Registry registry, Instant now) {
    String requested = annotation(schedule, GcSchedule.RUN_REQUESTED_AT);
    GcRunTrigger trigger = null;
    String runRequest = null;
    if (requested != null && !requested.equals(status.getLastHandledRunRequest())) {
      status.setLastHandledRunRequest(requested);
      trigger = GcRunTrigger.Manual;
      runRequest = requested;
    }
    GcScheduleSpec.Schedule cron = schedule.getSpec().getSchedule();
    if (cron != null && !Boolean.TRUE.equals(cron.getSuspend())) {
      CronSchedule.Decision decision =
          CronSchedule.parse(cron.getCron(), cron.getTimeZone())
              .decide(
                  status.getLastScheduleTime() == null
                      ? null
                      : Instant.parse(status.getLastScheduleTime()),
                  Instant.parse(schedule.getMetadata().getCreationTimestamp()),
                  now,
                  cron.getStartingDeadlineSeconds());
      if (decision.missed().isPresent()) {
        status.setLastScheduleTime(Conditions.format(decision.missed().get()));
        events.warning(
            schedule,
            GcReason.MissedSchedule,
            "the run due at "
                + decision.missed().get()
                + " was missed by more than startingDeadlineSeconds ("
                + cron.getStartingDeadlineSeconds()
                + "s) and is skipped");
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
    GcRunStatus run = GcRun.start(schedule.getSpec(), registry, "r" + count, trigger, now);
    run.setRunRequest(runRequest);
    status.setCurrentRun(run);
    events.normal(
        schedule,
        GcReason.RunStarted,
        trigger
            + " run "
            + run.getId()
            + " started on Registry "
            + registry.getMetadata().getName()
            + " (mode "
            + run.getPlan().getMode()
            + (run.getPlan().dryRunOnly() ? ", dry run" : "")
            + ")");
  }

  @Override
  public DeleteControl cleanup(GcSchedule schedule, Context<GcSchedule> context) {
    GcRunStatus current =
        schedule.getStatus() == null ? null : schedule.getStatus().getCurrentRun();
    if (current != null) {
      MDC.put(RUN_MDC_KEY, current.getId());
    }
    try {
      return cleanupRun(schedule, context);
    } finally {
      MDC.remove(RUN_MDC_KEY);
    }
  }

  private DeleteControl cleanupRun(GcSchedule schedule, Context<GcSchedule> context) {
    KubernetesClient client = context.getClient();
    String namespace = schedule.getMetadata().getNamespace();
    String name = schedule.getMetadata().getName();
    String key = namespace + "/" + name;
    GcRunStatus run = schedule.getStatus() == null ? null : schedule.getStatus().getCurrentRun();
    String runId = run == null ? null : run.getId();
    // I3, from the API (not a cache): the Jobs of earlier runs are stopped and their pods gone,
    // and the current run takes the state machine's restore step, up to the lock's release.
    Map<String, String> ofSchedule = Map.of(GcJob.SCHEDULE_LABEL, name);
    List<Job> jobs = GcRunActions.jobs(client, namespace, ofSchedule);
    List<Pod> pods = GcRunActions.pods(client, namespace, ofSchedule);
    boolean earlierRunsLeft = false;
    for (Job job : jobs) {
      if (!Objects.equals(runId, label(job, GcJob.RUN_LABEL))
          && !JobObservation.of(job, List.of(), List.of(), null).finished()) {
        earlierRunsLeft = true;
        if (job.getMetadata().getDeletionTimestamp() == null) {
          client.resource(job).withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
        }
      }
    }
    earlierRunsLeft |=
        JobObservation.live(
                pods.stream()
                    .filter(p -> !Objects.equals(runId, label(p, GcJob.RUN_LABEL)))
                    .toList())
            > 0;
    boolean givenBack;
    if (run == null) {
      // No run in status (it was lost): give back any lock this schedule still holds.
      String registry = specRegistry(schedule);
      givenBack =
          !earlierRunsLeft
              && (registry == null
                  || lock.release(namespace, registry, GcRun.holder(schedule), null, null));
    } else {
      if (run.getPlan() == null) {
        run.setPlan(
            GcRunPlan.recover(
                schedule.getSpec(), registry(context, namespace, specRegistry(schedule))));
      }
      Registry registry =
          client
              .resources(Registry.class)
              .inNamespace(namespace)
              .withName(run.getPlan().getRegistry())
              .get();
      List<Pod> runPods =
          pods.stream().filter(p -> runId.equals(label(p, GcJob.RUN_LABEL))).toList();
      Job job =
          run.getJobName() == null
              ? null
              : jobs.stream()
                  .filter(j -> run.getJobName().equals(j.getMetadata().getName()))
                  .findFirst()
                  .orElse(null);
      GcRun.Observation seen =
          observation(schedule, run, clock.instant(), registry, List.of(), runPods, job, null);
      GcRun.Abandoned abandoned = GcRun.abandon(schedule, run, seen);
      try {
        givenBack =
            !actions.execute(schedule, runId, abandoned.actions(), client).lostRace()
                && abandoned.serviceGivenBack()
                && !earlierRunsLeft;
      } catch (GcRunActions.TransientApiError e) {
        Duration retry = backoff(failures.merge(key, 1, Integer::sum));
        LOG.warn(
            "GcSchedule {} deleted: API error, retrying in {}: {}", key, retry, e.getMessage());
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(retry);
      }
    }
    if (!givenBack) {
      LOG.info(
          "GcSchedule {} deleted; waiting for its GC Jobs and pods to end before restoring the registry",
          key);
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(RACE_REQUEUE);
    }
    failures.remove(key);
    return DeleteControl.defaultDelete();
  }

  private Optional<Instant> nextRun(GcSchedule schedule, Instant now) {
    GcScheduleSpec.Schedule cron = schedule.getSpec().getSchedule();
    if (cron == null || Boolean.TRUE.equals(cron.getSuspend())) {
      return Optional.empty();
    }
    return CronSchedule.parse(cron.getCron(), cron.getTimeZone()).nextAfter(now);
  }

  private static void setRunning(
      GcSchedule schedule, GcScheduleStatus status, Long generation, Instant now) {
    GcRunStatus run = status.getCurrentRun();
    boolean suspended =
        schedule.getSpec().getSchedule() != null
            && Boolean.TRUE.equals(schedule.getSpec().getSchedule().getSuspend());
    status.setConditions(
        Conditions.set(
            status.getConditions(),
            RUNNING,
            run != null,
            (run != null ? GcReason.RunInProgress : suspended ? GcReason.Suspended : GcReason.Idle)
                .name(),
            run != null
                ? "run " + run.getId() + " " + run.getStep() + ": " + run.getMessage()
                : suspended
                    ? "scheduled runs are suspended; requested runs still happen"
                    : "no run in progress",
            generation,
            now));
  }

  private void warnOnce(GcSchedule schedule, boolean ready, GcReason reason, String message) {
    if (ready) {
      return;
    }
    boolean reported =
        schedule.getStatus() != null
            && StatusWrites.alreadyReported(
                schedule.getStatus().getConditions(), READY, reason, message);
    if (!reported) {
      events.warning(schedule, reason, message);
    }
  }

  private static int historyLimit(GcSchedule schedule) {
    int limit = schedule.getSpec() == null ? 5 : schedule.getSpec().effectiveHistoryLimit();
    return Math.max(1, Math.min(50, limit));
  }

  private static String specRegistry(GcSchedule schedule) {
    if (schedule.getSpec() == null || schedule.getSpec().getRegistryRef() == null) {
      return null;
    }
    return schedule.getSpec().getRegistryRef().getName();
  }

  private static Registry registry(Context<GcSchedule> context, String namespace, String name) {
    if (name == null || name.isBlank()) {
      return null;
    }
    return informer(context, Registry.class).get(new ResourceID(name, namespace)).orElse(null);
  }

  @SuppressWarnings("unchecked")
  private static <R extends HasMetadata> InformerEventSource<R, GcSchedule> informer(
      Context<GcSchedule> context, Class<R> type) {
    return (InformerEventSource<R, GcSchedule>)
        context.eventSourceRetriever().getEventSourceFor(type);
  }

  /**
   * The run's Job from the cache, or from the API when the cache has not seen a fresh create yet.
   */
  private static Job job(Context<GcSchedule> context, String namespace, String name) {
    return informer(context, Job.class)
        .get(new ResourceID(name, namespace))
        .orElseGet(
            () ->
                context
                    .getClient()
                    .batch()
                    .v1()
                    .jobs()
                    .inNamespace(namespace)
                    .withName(name)
                    .get());
  }

  private static String annotation(GcSchedule schedule, String key) {
    Map<String, String> annotations = schedule.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }
}
