package dev.registryoperator.registry;

import dev.registryoperator.common.Hashing;
import dev.registryoperator.common.Labels;
import dev.registryoperator.common.Owners;
import dev.registryoperator.common.PodSecurity;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry's Deployment. Pure: spec and serving mode in, object out. The pod template carries a
 * checksum of everything the registry reads at start (config.yml, TLS certificate) and the time of
 * the last GC, so a change of any of them replaces the pods.
 */
public final class RegistryDeployment {
  public static final String CONFIG_CHECKSUM = "registry.operator.dev/config-checksum";
  public static final String RESTARTED_AFTER_GC = "registry.operator.dev/restarted-after-gc";
  public static final String TEMPLATE_HASH = "registry.operator.dev/template-hash";
  public static final String CONTAINER = "registry";
  public static final long UID = PodSecurity.UID;

  /**
   * The registry reads it as {@code storage.maintenance.readonly} (a JSON map, design.md §4). In
   * the pod spec, not in the config Secret: a pod proves it serves read-only by its own spec, and a
   * window never rewrites a file that running pods re-read on a container restart. The form {@code
   * ..._READONLY_ENABLED=true} crashes the registry or is ignored: never use it.
   */
  public static final String READ_ONLY_ENV = "REGISTRY_STORAGE_MAINTENANCE_READONLY";

  public static final String READ_ONLY_VALUE = "{\"enabled\":true}";

  /**
   * Readiness every second: a new pod takes traffic, and a GC window ends, as soon as it listens.
   */
  static final int READINESS_PERIOD_SECONDS = 1;

  static final int READINESS_FAILURES = 3;

  /** Liveness: a minute of failed checks (a hung storage driver) restarts the container. */
  static final int LIVENESS_PERIOD_SECONDS = 10;

  static final int LIVENESS_FAILURES = 6;

  private RegistryDeployment() {}

  /**
   * Deployment annotation the operator owns: the user's serving (replicas, read-only) last applied
   * from a valid spec, without any window. Releasing a window restores it even while the spec is
   * invalid ({@link #withServing}).
   */
  public static final String SERVING = "registry.operator.dev/serving";

  /** The user's serving as last applied from a valid spec. */
  public record Serving(int replicas, boolean readOnly) {
    public static Serving of(RegistrySpec spec) {
      return new Serving(spec.effectiveReplicas(), spec.effectiveReadOnly());
    }

    /** As recorded on {@code deployment}; empty if it was never recorded (or is unreadable). */
    public static Optional<Serving> lastApplied(Deployment deployment) {
      return AnnotationJson.read(deployment, SERVING, Serving.class);
    }
  }

  /** Inputs that are not in the spec: observed or derived by the reconciler. */
  public record Inputs(ServingMode mode, String configChecksum, String restartToken) {}

  public static Deployment desired(Registry registry, Inputs inputs) {
    String name = registry.getMetadata().getName();
    RegistrySpec spec = registry.getSpec();
    PodTemplateSpec template = template(registry, inputs);
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(RegistryNames.deployment(name))
        .withNamespace(registry.getMetadata().getNamespace())
        .withLabels(Labels.forInstance(name, Labels.COMPONENT_REGISTRY))
        .withOwnerReferences(Owners.controller(registry))
        .withAnnotations(Map.of(SERVING, AnnotationJson.write(Serving.of(spec))))
        .endMetadata()
        .withNewSpec()
        .withReplicas(inputs.mode().replicas())
        .withRevisionHistoryLimit(3)
        .withNewSelector()
        .withMatchLabels(Labels.selector(name))
        .endSelector()
        .withStrategy(strategy(spec))
        .withTemplate(template)
        .endSpec()
        .build();
  }

  /**
   * {@code actual} with only its serving changed to {@code mode}: replicas, the read-only variable
   * of the registry container and the read-only label; everything else as last applied. Used when
   * the spec is invalid, so opening and closing a window never depend on it. Returns an equal
   * object when nothing changes.
   */
  public static Deployment withServing(Deployment actual, ServingMode mode) {
    Deployment d = Serialization.clone(actual);
    d.getSpec().setReplicas(mode.replicas());
    PodTemplateSpec template = d.getSpec().getTemplate();
    String before = Serialization.asJson(template);
    if (template.getMetadata().getLabels() != null) {
      template.getMetadata().getLabels().put(Labels.READ_ONLY, Boolean.toString(mode.readOnly()));
    }
    for (Container c : template.getSpec().getContainers()) {
      if (!CONTAINER.equals(c.getName())) {
        continue;
      }
      List<EnvVar> env = new ArrayList<>(c.getEnv() == null ? List.of() : c.getEnv());
      env.removeIf(e -> READ_ONLY_ENV.equals(e.getName()));
      if (mode.readOnly()) {
        env.add(new EnvVarBuilder().withName(READ_ONLY_ENV).withValue(READ_ONLY_VALUE).build());
      }
      c.setEnv(env);
    }
    if (!before.equals(Serialization.asJson(template))) {
      Map<String, String> annotations =
          new LinkedHashMap<>(
              template.getMetadata().getAnnotations() == null
                  ? Map.of()
                  : template.getMetadata().getAnnotations());
      annotations.remove(TEMPLATE_HASH);
      template.getMetadata().setAnnotations(annotations);
      annotations = new LinkedHashMap<>(annotations);
      annotations.put(TEMPLATE_HASH, Hashing.sha256(Serialization.asJson(template)));
      template.getMetadata().setAnnotations(annotations);
    }
    return d;
  }

  /** Whether a pod was created from the desired template (its template hash matches). */
  public static String templateHash(Deployment deployment) {
    Map<String, String> annotations =
        deployment.getSpec().getTemplate().getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(TEMPLATE_HASH);
  }

  private static PodTemplateSpec template(Registry registry, Inputs inputs) {
    String name = registry.getMetadata().getName();
    RegistrySpec spec = registry.getSpec();
    Map<String, String> labels =
        new LinkedHashMap<>(Labels.forInstance(name, Labels.COMPONENT_REGISTRY));
    labels.put(Labels.READ_ONLY, Boolean.toString(inputs.mode().readOnly()));
    Map<String, String> annotations = new LinkedHashMap<>();
    if (spec.getPodAnnotations() != null) {
      annotations.putAll(spec.getPodAnnotations());
    }
    annotations.put(CONFIG_CHECKSUM, inputs.configChecksum());
    if (inputs.restartToken() != null) {
      annotations.put(RESTARTED_AFTER_GC, inputs.restartToken());
    }
    PodSpec podSpec = podSpec(registry, inputs.mode().readOnly());
    PodTemplateSpec template =
        new PodTemplateSpecBuilder()
            .withNewMetadata()
            .withLabels(labels)
            .withAnnotations(annotations)
            .endMetadata()
            .withSpec(podSpec)
            .build();
    annotations.put(TEMPLATE_HASH, Hashing.sha256(Serialization.asJson(template)));
    template.getMetadata().setAnnotations(annotations);
    return template;
  }

  private static PodSpec podSpec(Registry registry, boolean readOnly) {
    RegistrySpec spec = registry.getSpec();
    return new PodSpecBuilder()
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withSecurityContext(PodSecurity.pod())
        .withImagePullSecrets(spec.getImagePullSecrets())
        .withNodeSelector(spec.getNodeSelector())
        .withTolerations(spec.getTolerations())
        .withAffinity(affinity(registry))
        .withTerminationGracePeriodSeconds(RegistryNames.GRACE_PERIOD_SECONDS)
        .withContainers(container(registry, readOnly))
        .withVolumes(volumes(registry))
        .build();
  }

  private static Container container(Registry registry, boolean readOnly) {
    RegistrySpec spec = registry.getSpec();
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(spec.effectiveImage())
        .withImagePullPolicy(
            spec.getImagePullPolicy() == null ? null : spec.getImagePullPolicy().name())
        .withCommand(RegistryNames.REGISTRY_BINARY)
        .withArgs("serve", RegistryNames.CONFIG_PATH)
        .addNewPort()
        .withName("registry")
        .withContainerPort(RegistryNames.CONTAINER_PORT)
        .withProtocol("TCP")
        .endPort()
        .addNewPort()
        .withName("debug")
        .withContainerPort(RegistryNames.DEBUG_PORT)
        .withProtocol("TCP")
        .endPort()
        .withEnv(servingEnvironment(registry, readOnly))
        .withResources(spec.getResources())
        .withReadinessProbe(probe(READINESS_PERIOD_SECONDS, READINESS_FAILURES))
        .withLivenessProbe(probe(LIVENESS_PERIOD_SECONDS, LIVENESS_FAILURES))
        .withSecurityContext(PodSecurity.container())
        .withVolumeMounts(mounts(registry))
        .build();
  }

  /**
   * Probes hit the debug listener's health endpoint: plain HTTP and no auth, so they work with
   * htpasswd and TLS on, and they report the storage driver's health.
   */
  private static Probe probe(int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(RegistryNames.HEALTH_PATH)
        .withPort(new IntOrString("debug"))
        .withScheme("HTTP")
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withTimeoutSeconds(3)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  private static List<EnvVar> servingEnvironment(Registry registry, boolean readOnly) {
    List<EnvVar> env = environment(registry);
    if (readOnly) {
      env.add(new EnvVarBuilder().withName(READ_ONLY_ENV).withValue(READ_ONLY_VALUE).build());
    }
    return env;
  }

  /** Environment shared by registry pods and GC Jobs (both read the same storage). */
  public static List<EnvVar> environment(Registry registry) {
    String name = registry.getMetadata().getName();
    List<EnvVar> env = new ArrayList<>();
    env.add(
        secretEnv(
            "REGISTRY_HTTP_SECRET", RegistryNames.httpSecret(name), RegistryNames.HTTP_SECRET_KEY));
    S3StorageSpec s3 = registry.getSpec().getStorage().getS3();
    if (s3 != null && s3.getCredentialsSecretRef() != null) {
      String secret = s3.getCredentialsSecretRef().getName();
      env.add(secretEnv("REGISTRY_STORAGE_S3_ACCESSKEY", secret, RegistryNames.S3_ACCESS_KEY));
      env.add(secretEnv("REGISTRY_STORAGE_S3_SECRETKEY", secret, RegistryNames.S3_SECRET_KEY));
    }
    // distribution 3 exports traces by default and logs errors when no collector listens.
    env.add(new EnvVarBuilder().withName("OTEL_TRACES_EXPORTER").withValue("none").build());
    return env;
  }

  private static EnvVar secretEnv(String variable, String secret, String key) {
    return new EnvVarBuilder()
        .withName(variable)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  /**
   * Volumes shared by registry pods and GC Jobs: configuration, data and, for pods, TLS and auth.
   */
  public static List<Volume> volumes(Registry registry) {
    String name = registry.getMetadata().getName();
    RegistrySpec spec = registry.getSpec();
    List<Volume> volumes = new ArrayList<>();
    volumes.add(
        new VolumeBuilder()
            .withName("config")
            .withNewSecret()
            .withSecretName(RegistryNames.configSecret(name))
            .withDefaultMode(0440)
            .endSecret()
            .build());
    PvcStorageSpec pvc = spec.getStorage().getPvc();
    if (pvc != null) {
      volumes.add(
          new VolumeBuilder()
              .withName("data")
              .withNewPersistentVolumeClaim()
              .withClaimName(RegistryNames.claim(name, pvc))
              .endPersistentVolumeClaim()
              .build());
    }
    volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
    if (spec.getTls() != null) {
      volumes.add(
          new VolumeBuilder()
              .withName("tls")
              .withNewSecret()
              .withSecretName(spec.getTls().getSecretRef().getName())
              .withDefaultMode(0440)
              .endSecret()
              .build());
    }
    if (spec.getAuth() != null && spec.getAuth().getHtpasswd() != null) {
      volumes.add(
          new VolumeBuilder()
              .withName("auth")
              .withNewSecret()
              .withSecretName(spec.getAuth().getHtpasswd().getSecretRef().getName())
              .withDefaultMode(0440)
              .endSecret()
              .build());
    }
    return volumes;
  }

  public static List<VolumeMount> mounts(Registry registry) {
    RegistrySpec spec = registry.getSpec();
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount("config", RegistryNames.CONFIG_DIR, true));
    if (spec.getStorage().getPvc() != null) {
      mounts.add(mount("data", RegistryNames.DATA_DIR, false));
    }
    mounts.add(mount("tmp", "/tmp", false));
    if (spec.getTls() != null) {
      mounts.add(mount("tls", RegistryNames.TLS_DIR, true));
    }
    if (spec.getAuth() != null && spec.getAuth().getHtpasswd() != null) {
      mounts.add(mount("auth", RegistryNames.AUTH_DIR, true));
    }
    return mounts;
  }

  private static VolumeMount mount(String volume, String path, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(volume)
        .withMountPath(path)
        .withReadOnly(readOnly)
        .build();
  }

  /**
   * A single-node volume keeps every registry pod on one node: a required pod affinity to the
   * registry's own pods (the scheduler lets the first pod match itself). The user's own pod
   * affinity, if any, wins.
   */
  private static Affinity affinity(Registry registry) {
    RegistrySpec spec = registry.getSpec();
    PvcStorageSpec pvc = spec.getStorage().getPvc();
    Affinity user = spec.getAffinity();
    boolean userHasPodAffinity = user != null && user.getPodAffinity() != null;
    if (pvc == null || !pvc.singleNode() || userHasPodAffinity || usesReadWriteOncePod(spec)) {
      return user;
    }
    AffinityBuilder builder = user == null ? new AffinityBuilder() : new AffinityBuilder(user);
    return builder
        .withNewPodAffinity()
        .withRequiredDuringSchedulingIgnoredDuringExecution(
            onTheNodeOfItsPods(registry.getMetadata().getName()))
        .endPodAffinity()
        .build();
  }

  /** The Deployment serves read-only (its registry container turns it on) or runs no pod. */
  public static boolean servesMaintenance(Deployment deployment) {
    if (deployment.getSpec() == null) {
      return false;
    }
    Integer replicas = deployment.getSpec().getReplicas();
    if (replicas != null && replicas == 0) {
      return true;
    }
    var containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    return containers.stream()
        .filter(c -> CONTAINER.equals(c.getName()) && c.getEnv() != null)
        .flatMap(c -> c.getEnv().stream())
        .anyMatch(e -> READ_ONLY_ENV.equals(e.getName()) && READ_ONLY_VALUE.equals(e.getValue()));
  }

  /**
   * A pod affinity term to the registry's own pods, on their node: for the registry pods of a
   * single-node volume and for a GC pod that runs beside them.
   */
  public static PodAffinityTerm onTheNodeOfItsPods(String registryName) {
    return new PodAffinityTermBuilder()
        .withNewLabelSelector()
        .withMatchLabels(Labels.selector(registryName))
        .endLabelSelector()
        .withTopologyKey("kubernetes.io/hostname")
        .build();
  }

  /** ReadWriteOncePod admits one pod at a time: the old pod must go before the new one starts. */
  private static DeploymentStrategy strategy(RegistrySpec spec) {
    if (usesReadWriteOncePod(spec)) {
      return new DeploymentStrategyBuilder().withType("Recreate").build();
    }
    return new DeploymentStrategyBuilder()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxSurge(new IntOrString(1))
        .withMaxUnavailable(new IntOrString(0))
        .endRollingUpdate()
        .build();
  }

  private static boolean usesReadWriteOncePod(RegistrySpec spec) {
    PvcStorageSpec pvc = spec.getStorage().getPvc();
    return pvc != null
        && pvc.effectiveAccessModes().contains(PvcStorageSpec.AccessMode.ReadWriteOncePod);
  }
}
