package dev.registryoperator.registry;

import dev.registryoperator.common.Apply;
import dev.registryoperator.common.Conditions;
import dev.registryoperator.common.EventRecorder;
import dev.registryoperator.common.Hashing;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a Registry: validate, check referenced Secrets, then apply configuration, claim,
 * Deployment and Service, and report what the pods show. The only writer of a registry's
 * Deployment, Service and configuration (design.md I1). Annotation changes (the maintenance lock)
 * must wake it, so it does not filter events by generation.
 */
@ControllerConfiguration(name = "registry", generationAwareEventProcessing = false)
public class RegistryReconciler implements Reconciler<Registry>, Cleaner<Registry> {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryReconciler.class);
  private static final String GC_HOLDER_PREFIX = "GcSchedule/";
  private static final java.time.Duration HOLDER_CHECK_INTERVAL = java.time.Duration.ofSeconds(30);

  private final EventRecorder events;
  private final MaintenanceLock lock;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public RegistryReconciler(EventRecorder events, MaintenanceLock lock, Clock clock) {
    this.events = events;
    this.lock = lock;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, Registry>> prepareEventSources(EventSourceContext<Registry> context) {
    return RegistryEventSources.create(context);
  }

  @Override
  public UpdateControl<Registry> reconcile(Registry registry, Context<Registry> context) {
    Optional<SpecProblem> problem =
        RegistryValidator.validate(registry).or(() -> checkSecrets(registry, context));
    if (problem.isPresent()) {
      return refuse(registry, problem.get(), context);
    }
    KubernetesClient client = context.getClient();
    ServingMode mode = ServingMode.of(registry.getSpec(), liveMaintenance(registry, client));
    String configYaml = RegistryConfigFile.render(registry.getSpec(), mode.readOnly());

    applyHttpSecret(registry, context);
    Apply.apply(client, RegistrySecrets.config(registry, configYaml), secret(context, RegistryNames.configSecret(name(registry)), registry), context);
    applyClaim(registry, context);
    Deployment deployment = RegistryDeployment.desired(registry, deploymentInputs(registry, context, mode, configYaml));
    Apply.apply(client, deployment, context.getSecondaryResource(Deployment.class).orElse(null), context);
    Apply.apply(client, RegistryService.desired(registry), context.getSecondaryResource(Service.class).orElse(null), context);

    PodCensus pods = PodCensus.of(context.getSecondaryResources(Pod.class), RegistryDeployment.templateHash(deployment));
    RegistryStatus status = RegistryStatuses.observed(registry, mode, pods, GcRecord.of(registry), clock.instant());
    announceTransitions(registry, status);
    UpdateControl<Registry> control = patchIfChanged(registry, status, context);
    // While a window is held, look again now and then: a holder deleted without releasing (its
    // finalizer removed by hand) sends no event here, and the lock must not outlive it.
    return mode.maintenance().isPresent() ? control.rescheduleAfter(HOLDER_CHECK_INTERVAL) : control;
  }

  @Override
  public DeleteControl cleanup(Registry registry, Context<Registry> context) {
    KubernetesClient client = context.getClient();
    String name = name(registry);
    String namespace = registry.getMetadata().getNamespace();
    // A real cluster's garbage collector would do this through owner references; doing it here
    // too makes deletion complete without it, and in order: pods first, then their inputs.
    client.apps().deployments().inNamespace(namespace).withName(RegistryNames.deployment(name)).delete();
    client.services().inNamespace(namespace).withName(RegistryNames.service(name)).delete();
    client.secrets().inNamespace(namespace).withName(RegistryNames.configSecret(name)).delete();
    client.secrets().inNamespace(namespace).withName(RegistryNames.httpSecret(name)).delete();
    PvcStorageSpec pvc = registry.getSpec() == null || registry.getSpec().getStorage() == null ? null : registry.getSpec().getStorage().getPvc();
    if (pvc != null && pvc.getExistingClaim() == null) {
      var claim = client.persistentVolumeClaims().inNamespace(namespace).withName(RegistryNames.createdClaim(name));
      if (claim.get() == null) {
        LOG.info("Registry {}/{} deleted; it had no claim yet", namespace, name);
      } else if (pvc.effectiveRetainOnDelete()) {
        claim.edit(c -> {
          c.getMetadata().setOwnerReferences(List.of());
          return c;
        });
        LOG.info("Registry {}/{} deleted; kept its claim {} (retainOnDelete)", namespace, name, RegistryNames.createdClaim(name));
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
    if (request.isEmpty() || !request.get().holder().startsWith(GC_HOLDER_PREFIX)) {
      return request;
    }
    String schedule = request.get().holder().substring(GC_HOLDER_PREFIX.length());
    var holder = client.genericKubernetesResources(Registry.GROUP + "/" + Registry.VERSION, "GcSchedule")
        .inNamespace(registry.getMetadata().getNamespace()).withName(schedule).get();
    if (holder != null) {
      return request;
    }
    if (lock.releaseStale(registry)) {
      events.warning(registry, RegistryReason.StaleMaintenanceReleased,
          "maintenance lock of " + request.get().holder() + " released: that GcSchedule no longer exists");
      return Optional.empty();
    }
    return request;
  }

  private Optional<SpecProblem> checkSecrets(Registry registry, Context<Registry> context) {
    RegistrySpec spec = registry.getSpec();
    if (spec.getAuth() != null && spec.getAuth().getHtpasswd() != null) {
      Optional<SpecProblem> p =
          requireKeys(registry, context, spec.getAuth().getHtpasswd().getSecretRef().getName(), "spec.auth.htpasswd.secretRef", RegistryNames.HTPASSWD_KEY);
      if (p.isPresent()) {
        return p;
      }
    }
    if (spec.getTls() != null) {
      Optional<SpecProblem> p = requireKeys(registry, context, spec.getTls().getSecretRef().getName(), "spec.tls.secretRef", "tls.crt", "tls.key");
      if (p.isPresent()) {
        return p;
      }
    }
    S3StorageSpec s3 = spec.getStorage().getS3();
    if (s3 != null && s3.getCredentialsSecretRef() != null) {
      return requireKeys(
          registry, context, s3.getCredentialsSecretRef().getName(), "spec.storage.s3.credentialsSecretRef", RegistryNames.S3_ACCESS_KEY, RegistryNames.S3_SECRET_KEY);
    }
    return Optional.empty();
  }

  private Optional<SpecProblem> requireKeys(Registry registry, Context<Registry> context, String secretName, String field, String... keys) {
    Secret secret = secret(context, secretName, registry);
    String namespace = registry.getMetadata().getNamespace();
    if (secret == null) {
      return Optional.of(
          new SpecProblem(
              RegistryReason.SecretMissing,
              "Secret '" + secretName + "' (" + field + ") not found in namespace '" + namespace
                  + "': create it with key" + (keys.length > 1 ? "s " : " ") + String.join(", ", keys)));
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

  private UpdateControl<Registry> refuse(Registry registry, SpecProblem problem, Context<Registry> context) {
    boolean alreadyReported =
        registry.getStatus() != null
            && Conditions.find(registry.getStatus().getConditions(), RegistryStatuses.READY)
                .filter(c -> problem.reason().name().equals(c.getReason()) && problem.message().equals(c.getMessage()))
                .isPresent();
    if (!alreadyReported) {
      LOG.warn("Registry {}/{} not reconciled: {}", registry.getMetadata().getNamespace(), name(registry), problem.message());
      events.warning(registry, problem.reason(), problem.message());
    }
    return patchIfChanged(registry, RegistryStatuses.invalid(registry, problem, clock.instant()), context);
  }

  private void applyHttpSecret(Registry registry, Context<Registry> context) {
    if (secret(context, RegistryNames.httpSecret(name(registry)), registry) != null) {
      return; // generated once; rewriting it would break uploads in flight
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    Apply.apply(context.getClient(), RegistrySecrets.httpSecret(registry, HexFormat.of().formatHex(bytes)), null, context);
  }

  /**
   * The claim's spec is immutable except for its size, which may only grow. Only the labels, the
   * owner reference (which follows retainOnDelete) and growth are reconciled.
   */
  private void applyClaim(Registry registry, Context<Registry> context) {
    PvcStorageSpec pvc = registry.getSpec().getStorage().getPvc();
    if (pvc == null || pvc.getExistingClaim() != null) {
      return;
    }
    PersistentVolumeClaim desired = RegistryPvc.desired(registry);
    PersistentVolumeClaim actual = context.getSecondaryResource(PersistentVolumeClaim.class).orElse(null);
    if (actual == null) {
      Apply.apply(context.getClient(), desired, null, context);
      return;
    }
    boolean ownersDiffer =
        !Objects.equals(owners(desired), owners(actual));
    var desiredSize = desired.getSpec().getResources().getRequests().get("storage");
    var actualSize = actual.getSpec().getResources() == null ? null : actual.getSpec().getResources().getRequests().get("storage");
    boolean grow = actualSize == null || desiredSize.getNumericalAmount().compareTo(actualSize.getNumericalAmount()) > 0;
    if (ownersDiffer || grow) {
      PersistentVolumeClaim updated = Serialization.clone(actual);
      updated.getMetadata().setOwnerReferences(desired.getMetadata().getOwnerReferences());
      if (grow) {
        updated.getSpec().getResources().setRequests(desired.getSpec().getResources().getRequests());
      }
      context.getClient().resource(updated).update();
    }
  }

  private static List<String> owners(PersistentVolumeClaim claim) {
    var refs = claim.getMetadata().getOwnerReferences();
    return refs == null ? List.of() : refs.stream().map(r -> r.getUid()).toList();
  }

  private RegistryDeployment.Inputs deploymentInputs(Registry registry, Context<Registry> context, ServingMode mode, String configYaml) {
    RegistrySpec spec = registry.getSpec();
    String tls = "";
    if (spec.getTls() != null) {
      Secret secret = secret(context, spec.getTls().getSecretRef().getName(), registry);
      tls = RegistrySecrets.text(secret, "tls.crt") + RegistrySecrets.text(secret, "tls.key");
    }
    String htpasswd = "";
    if (spec.getAuth() != null && spec.getAuth().getHtpasswd() != null) {
      htpasswd = RegistrySecrets.text(secret(context, spec.getAuth().getHtpasswd().getSecretRef().getName(), registry), RegistryNames.HTPASSWD_KEY);
    }
    String restartToken = GcRecord.of(registry).filter(GcRecord::requiresRestart).map(GcRecord::time).orElse(null);
    return new RegistryDeployment.Inputs(mode, Hashing.sha256(configYaml, tls, htpasswd), restartToken);
  }

  private void announceTransitions(Registry registry, RegistryStatus status) {
    var before = registry.getStatus() == null ? Optional.<io.fabric8.kubernetes.api.model.Condition>empty() : Conditions.find(registry.getStatus().getConditions(), RegistryStatuses.READY);
    var after = Conditions.find(status.getConditions(), RegistryStatuses.READY).orElseThrow();
    boolean changed = before.map(c -> !Objects.equals(c.getStatus(), after.getStatus()) || !Objects.equals(c.getReason(), after.getReason())).orElse(true);
    if (changed && Conditions.TRUE.equals(after.getStatus())) {
      events.normal(registry, RegistryReason.valueOf(after.getReason()), after.getMessage());
    }
  }

  /**
   * Writes status with a PUT carrying the resourceVersion it was computed from (a stale write is
   * refused and retried), and caches the result so the next reconcile starts from it. A JSON patch
   * computed against a stale cached copy would address fields that are no longer there.
   */
  private UpdateControl<Registry> patchIfChanged(Registry registry, RegistryStatus status, Context<Registry> context) {
    if (registry.getStatus() != null && Serialization.asJson(registry.getStatus()).equals(Serialization.asJson(status))) {
      return UpdateControl.noUpdate();
    }
    PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(registry, context, r -> {
      r.setStatus(status);
      return r;
    });
    return UpdateControl.noUpdate();
  }

  @SuppressWarnings("unchecked")
  private static Secret secret(Context<Registry> context, String name, Registry registry) {
    InformerEventSource<Secret, Registry> secrets =
        (InformerEventSource<Secret, Registry>) context.eventSourceRetriever().getEventSourceFor(Secret.class);
    return secrets.get(new ResourceID(name, registry.getMetadata().getNamespace())).orElse(null);
  }

  private static String name(Registry registry) {
    return registry.getMetadata().getName();
  }
}
