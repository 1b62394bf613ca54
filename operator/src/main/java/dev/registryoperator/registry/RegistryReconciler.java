package dev.registryoperator.registry;

import dev.registryoperator.common.Apply;
import dev.registryoperator.common.Conditions;
import dev.registryoperator.common.EventRecorder;
import dev.registryoperator.common.Hashing;
import dev.registryoperator.common.Labels;
import dev.registryoperator.common.StatusWrites;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
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

/**
 * Reconciles a Registry: validate, check referenced Secrets, then apply configuration, claim,
 * Deployment and Service, and report what the pods show. The only writer of a registry's
 * Deployment, Service and configuration (design.md I1). Annotation changes (the maintenance lock)
 * must wake it, so it does not filter events by generation.
 */
@ControllerConfiguration(
    name = "registry",
    generationAwareEventProcessing = false,
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class RegistryReconciler implements Reconciler<Registry>, Cleaner<Registry> {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryReconciler.class);
  private static final String GC_HOLDER_PREFIX = "GcSchedule/";
  private static final Duration HOLDER_CHECK_INTERVAL = Duration.ofSeconds(30);

  /** While only a GC Job (no lock, no pod yet) keeps a window: Jobs send no event here. */
  private static final Duration JOB_GUARD_CHECK_INTERVAL = Duration.ofSeconds(2);

  /** How soon a Registry waiting for a missing or incomplete user Secret looks again. */
  public static final Duration MISSING_SECRET_RECHECK = Duration.ofSeconds(15);

  /**
   * How often a Registry that references user Secrets reads them again: a changed certificate or
   * htpasswd file rolls the pods at most this long after the change (user Secrets are not watched).
   */
  public static final Duration USER_SECRET_RECHECK = Duration.ofMinutes(3);

  /** When user Secrets are read again (they are not watched). */
  public record SecretRechecks(Duration missing, Duration present) {
    public static final SecretRechecks DEFAULT =
        new SecretRechecks(MISSING_SECRET_RECHECK, USER_SECRET_RECHECK);
  }

  private final EventRecorder events;
  private final MaintenanceLock lock;
  private final Clock clock;
  private volatile IndexerResourceCache<Registry> cache;
  private final SecretRechecks rechecks;
  private final SecureRandom random = new SecureRandom();

  /**
   * Per Registry, what the last reconcile that found every object as desired (and wrote nothing)
   * saw ({@link AppliedInputs}), and the pod template hash it built. Lost on restart: then the
   * objects are built and compared once more.
   */
  private record Applied(String inputs, String templateHash) {}

  private final Map<ResourceID, Applied> applied = new ConcurrentHashMap<>();

  public RegistryReconciler(EventRecorder events, MaintenanceLock lock, Clock clock) {
    this(events, lock, clock, SecretRechecks.DEFAULT);
  }

  public RegistryReconciler(
      EventRecorder events, MaintenanceLock lock, Clock clock, SecretRechecks rechecks) {
    this.events = events;
    this.lock = lock;
    this.clock = clock;
    this.rechecks = rechecks;
  }

  @Override
  public List<EventSource<?, Registry>> prepareEventSources(EventSourceContext<Registry> context) {
    cache = context.getPrimaryCache();
    return RegistryEventSources.create(context);
  }

  /** The Registries in this controller's cache (none before it started): what metrics read. */
  public Stream<Registry> cached() {
    IndexerResourceCache<Registry> current = cache;
    return current == null ? Stream.empty() : current.list();
  }

  @Override
  public UpdateControl<Registry> reconcile(Registry registry, Context<Registry> context) {
    KubernetesClient client = context.getClient();
    Set<Pod> pods = context.getSecondaryResources(Pod.class);
    List<Pod> registryPods = pods.stream().filter(p -> !GcPods.isGcPod(p)).toList();
    // A second guard beside the lock (I2): a live GC collect pod keeps the registry in maintenance.
    Optional<MaintenanceRequest> lock = liveMaintenance(registry, client);
    Optional<GcPods.Guard> guard =
        GcPods.guard(pods, name(registry)).or(() -> unfinishedCollectJob(registry, lock, context));
    Optional<SpecProblem> invalid = RegistryValidator.validate(registry);
    Map<String, Secret> userSecrets =
        invalid.isPresent() ? Map.of() : userSecrets(registry, client);
    Optional<SpecProblem> problem = invalid.or(() -> checkSecrets(registry, userSecrets));
    if (problem.isPresent()) {
      return refuse(registry, problem.get(), lock, guard, registryPods, context);
    }
    RegistrySpec spec = registry.getSpec();
    ServingMode mode =
        ServingMode.of(spec.effectiveReadOnly(), spec.effectiveReplicas(), lock, guard);
    Deployment actualDeployment = context.getSecondaryResource(Deployment.class).orElse(null);
    ResourceID id = ResourceID.fromResource(registry);
    String seen =
        AppliedInputs.of(
            registry,
            mode,
            userSecrets.values(),
            actualDeployment,
            Arrays.asList(
                secret(context, RegistryNames.configSecret(name(registry)), registry),
                secret(context, RegistryNames.httpSecret(name(registry)), registry),
                context.getSecondaryResource(PersistentVolumeClaim.class).orElse(null),
                context.getSecondaryResource(Service.class).orElse(null)));
    Applied last = applied.get(id);
    Optional<String> resizeRejected;
    String templateHash;
    if (last != null && last.inputs().equals(seen)) {
      // Nothing the desired objects are built from, and none of the objects, changed since they
      // were last found as desired: no need to build and compare them again.
      resizeRejected = Optional.empty();
      templateHash = last.templateHash();
    } else {
      String configYaml = RegistryConfigFile.render(spec);
      boolean wrote = applyHttpSecret(registry, context);
      wrote |=
          Apply.apply(
                  client,
                  RegistrySecrets.config(registry, configYaml),
                  secret(context, RegistryNames.configSecret(name(registry)), registry),
                  context)
              != Apply.Outcome.Unchanged;
      ClaimOutcome claim = applyClaim(registry, context);
      resizeRejected = claim.resizeRejected();
      wrote |= claim.wrote();
      Deployment deployment =
          RegistryDeployment.desired(
              registry, deploymentInputs(registry, userSecrets, mode, configYaml));
      templateHash = RegistryDeployment.templateHash(deployment);
      if (Apply.apply(client, deployment, actualDeployment, context) != Apply.Outcome.Unchanged) {
        wrote = true;
        actualDeployment = null; // a new generation its controller has not observed yet
      }
      wrote |=
          Apply.apply(
                  client,
                  RegistryService.desired(registry),
                  context.getSecondaryResource(Service.class).orElse(null),
                  context)
              != Apply.Outcome.Unchanged;
      if (wrote) {
        applied.remove(id);
      } else {
        applied.put(id, new Applied(seen, templateHash));
      }
    }

    PodCensus census = PodCensus.of(registryPods, templateHash);
    RegistryStatus status =
        RegistryStatuses.withResizeRejection(
            RegistryStatuses.observed(
                registry, mode, census, actualDeployment, GcRecord.of(registry), clock.instant()),
            resizeRejected,
            registry.getMetadata().getGeneration(),
            clock.instant());
    announceTransitions(registry, status);
    announceResizeRejection(registry, resizeRejected);
    announceGuard(registry, mode);
    UpdateControl<Registry> control = StatusWrites.putIfChanged(registry, status, context);
    return reschedule(control, mode, userSecrets.isEmpty() ? null : rechecks.present());
  }

  /**
   * Looks again later for what sends no event here: a window's holder deleted without releasing
   * (its finalizer removed by hand), and user Secrets (not watched: created, fixed or rotated).
   */
  private static UpdateControl<Registry> reschedule(
      UpdateControl<Registry> control, ServingMode mode, Duration secrets) {
    Duration next =
        mode.guard().filter(g -> g.podName().startsWith(GcPods.JOB_GUARD_PREFIX)).isPresent()
            ? JOB_GUARD_CHECK_INTERVAL // Jobs are not watched here: look again soon
            : mode.maintenance().isPresent() ? HOLDER_CHECK_INTERVAL : null;
    if (secrets != null && (next == null || secrets.compareTo(next) < 0)) {
      next = secrets;
    }
    return next == null ? control : control.rescheduleAfter(next);
  }

  /**
   * The Secrets the spec references that exist, read by name in the Registry's namespace (never
   * listed or watched: the operator needs only {@code get} on them).
   */
  private static Map<String, Secret> userSecrets(Registry registry, KubernetesClient client) {
    Map<String, Secret> found = new HashMap<>();
    for (String name : RegistryEventSources.referencedSecrets(registry.getSpec())) {
      Secret secret =
          client.secrets().inNamespace(registry.getMetadata().getNamespace()).withName(name).get();
      if (secret != null) {
        found.put(name, secret);
      }
    }
    return found;
  }

  @Override
  public DeleteControl cleanup(Registry registry, Context<Registry> context) {
    applied.remove(ResourceID.fromResource(registry));
    KubernetesClient client = context.getClient();
    String name = name(registry);
    String namespace = registry.getMetadata().getNamespace();
    // A real cluster's garbage collector would do this through owner references; doing it here
    // too makes deletion complete without it, and in order: pods first, then their inputs.
    client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName(RegistryNames.deployment(name))
        .delete();
    client.services().inNamespace(namespace).withName(RegistryNames.service(name)).delete();
    client.secrets().inNamespace(namespace).withName(RegistryNames.configSecret(name)).delete();
    client.secrets().inNamespace(namespace).withName(RegistryNames.httpSecret(name)).delete();
    PvcStorageSpec pvc =
        registry.getSpec() == null || registry.getSpec().getStorage() == null
            ? null
            : registry.getSpec().getStorage().getPvc();
    if (pvc != null && pvc.getExistingClaim() == null) {
      var claim =
          client
              .persistentVolumeClaims()
              .inNamespace(namespace)
              .withName(RegistryNames.createdClaim(name));
      if (claim.get() == null) {
        LOG.info("Registry {}/{} deleted; it had no claim yet", namespace, name);
      } else if (pvc.effectiveRetainOnDelete()) {
        claim.edit(
            c -> {
              c.getMetadata().setOwnerReferences(List.of());
              return c;
            });
        LOG.info(
            "Registry {}/{} deleted; kept its claim {} (retainOnDelete)",
            namespace,
            name,
            RegistryNames.createdClaim(name));
      } else {
        claim.delete();
      }
    }
    return DeleteControl.defaultDelete();
  }

  /**
   * The maintenance window, unless its holder no longer exists (a GcSchedule force-deleted past its
   * finalizer): then the lock is dropped, so no registry is left read-only or at zero.
   */
  private Optional<MaintenanceRequest> liveMaintenance(Registry registry, KubernetesClient client) {
    Optional<MaintenanceRequest> request = MaintenanceRequest.of(registry);
    if (request.isEmpty() && lock.dropUnreadable(registry)) {
      events.warning(
          registry,
          RegistryReason.MaintenanceLockUnreadable,
          "the maintenance lock annotation "
              + MaintenanceRequest.ANNOTATION
              + " could not be read and was removed; a live GC pod still keeps the registry in maintenance");
    }
    if (request.isEmpty() || !request.get().holder().startsWith(GC_HOLDER_PREFIX)) {
      return request;
    }
    String schedule = request.get().holder().substring(GC_HOLDER_PREFIX.length());
    var holder =
        client
            .genericKubernetesResources(Registry.GROUP + "/" + Registry.VERSION, "GcSchedule")
            .inNamespace(registry.getMetadata().getNamespace())
            .withName(schedule)
            .get();
    if (holder != null) {
      return request;
    }
    if (lock.releaseStale(registry)) {
      events.warning(
          registry,
          RegistryReason.StaleMaintenanceReleased,
          "maintenance lock of "
              + request.get().holder()
              + " released: that GcSchedule no longer exists");
      return Optional.empty();
    }
    return request;
  }

  private Optional<SpecProblem> checkSecrets(Registry registry, Map<String, Secret> secrets) {
    RegistrySpec spec = registry.getSpec();
    if (spec.getAuth() != null && spec.getAuth().getHtpasswd() != null) {
      Optional<SpecProblem> p =
          requireKeys(
              registry,
              secrets,
              spec.getAuth().getHtpasswd().getSecretRef().getName(),
              "spec.auth.htpasswd.secretRef",
              RegistryNames.HTPASSWD_KEY);
      if (p.isPresent()) {
        return p;
      }
    }
    if (spec.getTls() != null) {
      Optional<SpecProblem> p =
          requireKeys(
              registry,
              secrets,
              spec.getTls().getSecretRef().getName(),
              "spec.tls.secretRef",
              "tls.crt",
              "tls.key");
      if (p.isPresent()) {
        return p;
      }
    }
    S3StorageSpec s3 = spec.getStorage().getS3();
    if (s3 != null && s3.getCredentialsSecretRef() != null) {
      return requireKeys(
          registry,
          secrets,
          s3.getCredentialsSecretRef().getName(),
          "spec.storage.s3.credentialsSecretRef",
          RegistryNames.S3_ACCESS_KEY,
          RegistryNames.S3_SECRET_KEY);
    }
    return Optional.empty();
  }

  private Optional<SpecProblem> requireKeys(
      Registry registry,
      Map<String, Secret> secrets,
      String secretName,
      String field,
      String... keys) {
    Secret secret = secrets.get(secretName);
    String namespace = registry.getMetadata().getNamespace();
    if (secret == null) {
      return Optional.of(
          new SpecProblem(
              RegistryReason.SecretMissing,
              "Secret '"
                  + secretName
                  + "' ("
                  + field
                  + ") not found in namespace '"
                  + namespace
                  + "': create it with key"
                  + (keys.length > 1 ? "s " : " ")
                  + String.join(", ", keys)));
    }
    for (String key : keys) {
      if (!RegistrySecrets.hasKey(secret, key)) {
        return Optional.of(
            new SpecProblem(
                RegistryReason.SecretInvalid,
                "Secret '" + secretName + "' (" + field + ") has no key '" + key + "': add it"));
      }
    }
    return Optional.empty();
  }

  /**
   * The spec is refused: nothing is created and nothing changes from it. Only the serving of the
   * existing Deployment follows the windows, from the serving last applied from a valid spec: a
   * window is released (or kept) whatever the spec says (I4), and a collecting registry is never
   * made writable.
   */
  private UpdateControl<Registry> refuse(
      Registry registry,
      SpecProblem problem,
      Optional<MaintenanceRequest> lock,
      Optional<GcPods.Guard> guard,
      List<Pod> registryPods,
      Context<Registry> context) {
    boolean alreadyReported =
        registry.getStatus() != null
            && StatusWrites.alreadyReported(
                registry.getStatus().getConditions(),
                RegistryStatuses.READY,
                problem.reason(),
                problem.message());
    if (!alreadyReported) {
      LOG.warn(
          "Registry {}/{} not reconciled: {}",
          registry.getMetadata().getNamespace(),
          name(registry),
          problem.message());
      events.warning(registry, problem.reason(), problem.message());
    }
    Deployment actual = context.getSecondaryResource(Deployment.class).orElse(null);
    ServingMode mode;
    Deployment observed = actual;
    Deployment existing = actual;
    if (existing == null) {
      mode = ServingMode.of(false, 0, lock, guard);
    } else {
      Optional<RegistryDeployment.Serving> last = RegistryDeployment.Serving.lastApplied(actual);
      int replicas = actual.getSpec().getReplicas() == null ? 1 : actual.getSpec().getReplicas();
      mode =
          last.map(s -> ServingMode.of(s.readOnly(), s.replicas(), lock, guard))
              // never recorded (made by an older operator): leave it as it is
              .orElseGet(() -> ServingMode.of(servesReadOnly(existing), replicas, lock, guard));
      if (last.isPresent()) {
        Deployment wanted = RegistryDeployment.withServing(actual, mode);
        if (!Serialization.asJson(wanted.getSpec())
            .equals(Serialization.asJson(actual.getSpec()))) {
          observed = context.getClient().resource(wanted).update();
          LOG.info(
              "Registry {}/{}: spec invalid, Deployment serving set to {} replicas{} from its last applied state",
              registry.getMetadata().getNamespace(),
              name(registry),
              mode.replicas(),
              mode.readOnly() ? ", read-only" : "");
          observed = null; // a new generation its controller has not observed yet
        }
        actual = wanted;
      }
    }
    PodCensus census =
        PodCensus.of(registryPods, actual == null ? null : RegistryDeployment.templateHash(actual));
    RegistryStatus status =
        RegistryStatuses.invalid(registry, problem, mode, census, observed, clock.instant());
    announceGuard(registry, mode);
    UpdateControl<Registry> control = StatusWrites.putIfChanged(registry, status, context);
    boolean waitingForSecret =
        problem.reason() == RegistryReason.SecretMissing
            || problem.reason() == RegistryReason.SecretInvalid;
    return reschedule(control, mode, waitingForSecret ? rechecks.missing() : null);
  }

  private static boolean servesReadOnly(Deployment deployment) {
    Pod asPod =
        new io.fabric8.kubernetes.api.model.PodBuilder()
            .withSpec(deployment.getSpec().getTemplate().getSpec())
            .build();
    return PodCensus.servesReadOnly(asPod);
  }

  /** One Warning event per distinct refusal of a claim resize. */
  private void announceResizeRejection(Registry registry, Optional<String> rejection) {
    if (rejection.isEmpty()) {
      return;
    }
    boolean alreadySaid =
        registry.getStatus() != null
            && Conditions.find(
                    registry.getStatus().getConditions(), RegistryStatuses.STORAGE_RESIZE_FAILURE)
                .filter(c -> rejection.get().equals(c.getMessage()))
                .isPresent();
    if (!alreadySaid) {
      events.warning(registry, RegistryReason.StorageResizeRejected, rejection.get());
    }
  }

  /** One Warning event when a live GC pod starts holding the registry without a lock. */
  private void announceGuard(Registry registry, ServingMode mode) {
    if (mode.maintenance().isPresent() || mode.guard().isEmpty()) {
      return;
    }
    GcPods.Guard guard = mode.guard().get();
    boolean alreadySaid =
        registry.getStatus() != null
            && Conditions.find(registry.getStatus().getConditions(), RegistryStatuses.MAINTENANCE)
                .filter(
                    c ->
                        RegistryReason.GcPodRunning.name().equals(c.getReason())
                            && c.getMessage() != null
                            && c.getMessage().contains(guard.podName()))
                .isPresent();
    if (!alreadySaid) {
      events.warning(registry, RegistryReason.GcPodRunning, RegistryStatuses.guardMessage(guard));
    }
  }

  /**
   * Generated once and never rewritten (that would break uploads in flight): one created meanwhile
   * by someone else (another replica; the cache has not seen it) is kept.
   */
  /** True when it sent a create. */
  private boolean applyHttpSecret(Registry registry, Context<Registry> context) {
    if (secret(context, RegistryNames.httpSecret(name(registry)), registry) != null) {
      return false;
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    Apply.createIfMissing(
        context.getClient(), RegistrySecrets.httpSecret(registry, HexFormat.of().formatHex(bytes)));
    return true;
  }

  /** {@code wrote}: a create or update was sent (or refused: a rejected resize is tried again). */
  private record ClaimOutcome(Optional<String> resizeRejected, boolean wrote) {}

  /**
   * The claim's spec is immutable except for its size, which may only grow. Only the labels, the
   * owner reference (which follows retainOnDelete) and growth are reconciled.
   */
  private ClaimOutcome applyClaim(Registry registry, Context<Registry> context) {
    PvcStorageSpec pvc = registry.getSpec().getStorage().getPvc();
    if (pvc == null || pvc.getExistingClaim() != null) {
      return new ClaimOutcome(Optional.empty(), false);
    }
    PersistentVolumeClaim desired = RegistryPvc.desired(registry);
    PersistentVolumeClaim actual =
        context.getSecondaryResource(PersistentVolumeClaim.class).orElse(null);
    if (actual == null) {
      Apply.apply(context.getClient(), desired, null, context);
      return new ClaimOutcome(Optional.empty(), true);
    }
    boolean ownersDiffer = !Objects.equals(owners(desired), owners(actual));
    var desiredSize = desired.getSpec().getResources().getRequests().get("storage");
    var actualSize =
        actual.getSpec().getResources() == null
            ? null
            : actual.getSpec().getResources().getRequests().get("storage");
    boolean grow =
        actualSize == null
            || desiredSize.getNumericalAmount().compareTo(actualSize.getNumericalAmount()) > 0;
    if (ownersDiffer || grow) {
      PersistentVolumeClaim updated = Serialization.clone(actual);
      updated.getMetadata().setOwnerReferences(desired.getMetadata().getOwnerReferences());
      if (grow) {
        updated
            .getSpec()
            .getResources()
            .setRequests(desired.getSpec().getResources().getRequests());
      }
      try {
        context.getClient().resource(updated).update();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 400 && e.getCode() != 403 && e.getCode() != 422) {
          throw e; // a conflict or a transient error: retried
        }
        // refused for good (a StorageClass without expansion, a quota, a webhook): say so and go on
        String message =
            e.getStatus() != null && e.getStatus().getMessage() != null
                ? e.getStatus().getMessage()
                : e.getMessage();
        LOG.warn(
            "Registry {}/{}: claim update refused: {}",
            registry.getMetadata().getNamespace(),
            name(registry),
            message);
        return new ClaimOutcome(
            Optional.of(
                "resizing claim "
                    + actual.getMetadata().getName()
                    + " to "
                    + pvc.getSize()
                    + " was refused: "
                    + message),
            true);
      }
      return new ClaimOutcome(Optional.empty(), true);
    }
    return new ClaimOutcome(Optional.empty(), false);
  }

  private static List<String> owners(PersistentVolumeClaim claim) {
    var refs = claim.getMetadata().getOwnerReferences();
    return refs == null ? List.of() : refs.stream().map(r -> r.getUid()).toList();
  }

  private RegistryDeployment.Inputs deploymentInputs(
      Registry registry, Map<String, Secret> secrets, ServingMode mode, String configYaml) {
    RegistrySpec spec = registry.getSpec();
    String tls = "";
    if (spec.getTls() != null) {
      Secret secret = secrets.get(spec.getTls().getSecretRef().getName());
      tls = RegistrySecrets.text(secret, "tls.crt") + RegistrySecrets.text(secret, "tls.key");
    }
    String htpasswd = "";
    if (spec.getAuth() != null && spec.getAuth().getHtpasswd() != null) {
      htpasswd =
          RegistrySecrets.text(
              secrets.get(spec.getAuth().getHtpasswd().getSecretRef().getName()),
              RegistryNames.HTPASSWD_KEY);
    }
    String restartToken =
        GcRecord.of(registry).filter(GcRecord::requiresRestart).map(GcRecord::getTime).orElse(null);
    return new RegistryDeployment.Inputs(
        mode, Hashing.sha256(configYaml, tls, htpasswd), restartToken);
  }

  private void announceTransitions(Registry registry, RegistryStatus status) {
    var before =
        registry.getStatus() == null
            ? Optional.<io.fabric8.kubernetes.api.model.Condition>empty()
            : Conditions.find(registry.getStatus().getConditions(), RegistryStatuses.READY);
    var after = Conditions.find(status.getConditions(), RegistryStatuses.READY).orElseThrow();
    boolean changed =
        before
            .map(
                c ->
                    !Objects.equals(c.getStatus(), after.getStatus())
                        || !Objects.equals(c.getReason(), after.getReason()))
            .orElse(true);
    if (changed && Conditions.TRUE.equals(after.getStatus())) {
      events.normal(registry, RegistryReason.valueOf(after.getReason()), after.getMessage());
    }
  }

  /**
   * Right before a window would be released (no lock, no live GC pod in the cache, and the
   * Deployment still serving read-only or at zero), or before the Deployment is first created: a
   * live collect pod, or a collect Job that exists even without a pod yet, keeps the window. Read
   * from the API, not a cache: the pod or Job may be milliseconds old, and a Job deleted with
   * background propagation (kubectl's default) is gone while its pod still runs (GcTortureTest).
   */
  private Optional<GcPods.Guard> unfinishedCollectJob(
      Registry registry, Optional<MaintenanceRequest> lock, Context<Registry> context) {
    Deployment actual = context.getSecondaryResource(Deployment.class).orElse(null);
    // No Deployment yet counts too: a Registry deleted and created again with the same name gets a
    // new Deployment while a Job of the old one's run may still start its pod (GcTortureTest).
    if (lock.isPresent() || (actual != null && !RegistryDeployment.servesMaintenance(actual))) {
      return Optional.empty();
    }
    String namespace = registry.getMetadata().getNamespace();
    var pods =
        context
            .getClient()
            .pods()
            .inNamespace(namespace)
            .withLabel(Labels.INSTANCE, name(registry))
            .withLabel(Labels.GC_KIND, Labels.GC_KIND_COLLECT)
            .list()
            .getItems();
    Optional<GcPods.Guard> livePod = GcPods.guard(pods, name(registry));
    if (livePod.isPresent()) {
      return livePod;
    }
    var jobs =
        context
            .getClient()
            .batch()
            .v1()
            .jobs()
            .inNamespace(namespace)
            .withLabel(Labels.INSTANCE, name(registry))
            .withLabel(Labels.GC_KIND, Labels.GC_KIND_COLLECT)
            .list()
            .getItems();
    return GcPods.guardFromJobs(jobs, name(registry));
  }

  /** One of the operator's own Secrets, from the informer (which sees only those). */
  @SuppressWarnings("unchecked")
  private static Secret secret(Context<Registry> context, String name, Registry registry) {
    InformerEventSource<Secret, Registry> secrets =
        (InformerEventSource<Secret, Registry>)
            context.eventSourceRetriever().getEventSourceFor(Secret.class);
    return secrets.get(new ResourceID(name, registry.getMetadata().getNamespace())).orElse(null);
  }

  private static String name(Registry registry) {
    return registry.getMetadata().getName();
  }
}
