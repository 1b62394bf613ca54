package dev.registryoperator.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.common.Labels;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure builders: spec in, the objects the operator applies out. */
class RegistryObjectsTest {

  private static Deployment deployment(Registry registry, ServingMode mode) {
    return RegistryDeployment.desired(
        registry, new RegistryDeployment.Inputs(mode, "abc123", null));
  }

  private static ServingMode writable(Registry registry) {
    return ServingMode.of(registry.getSpec(), Optional.empty());
  }

  @Test
  void deploymentRunsTheImageHardenedWithProbesOnTheDebugPort() {
    Registry registry = Registries.withPvc("images", "10Gi");
    Deployment deployment = deployment(registry, writable(registry));

    assertThat(deployment.getMetadata().getName()).isEqualTo("images");
    assertThat(deployment.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(deployment.getMetadata().getLabels())
        .containsEntry(Labels.MANAGED_BY, "registry-operator")
        .containsEntry(Labels.INSTANCE, "images")
        .containsEntry(Labels.NAME, "registry");
    assertThat(deployment.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            ref -> {
              assertThat(ref.getKind()).isEqualTo("Registry");
              assertThat(ref.getUid()).isEqualTo("uid-images");
              assertThat(ref.getController()).isTrue();
            });
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(deployment.getSpec().getSelector().getMatchLabels())
        .doesNotContainKey(Labels.READ_ONLY);

    var pod = deployment.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);
    assertThat(container.getImage()).isEqualTo(RegistrySpec.DEFAULT_IMAGE);
    assertThat(container.getCommand()).containsExactly("/usr/local/bin/registry");
    assertThat(container.getArgs()).containsExactly("serve", "/etc/distribution/config.yml");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/debug/health");
    assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("debug");
    assertThat(container.getLivenessProbe().getHttpGet().getScheme()).isEqualTo("HTTP");
    // a new pod serves (and a GC window ends) within a second of listening, not up to 5 s later
    assertThat(container.getReadinessProbe().getPeriodSeconds()).isEqualTo(1);
    assertThat(container.getLivenessProbe().getPeriodSeconds()).isEqualTo(10);
    // the registry drains requests in flight for up to 25 s, inside the pod's grace period
    assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(25L);
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(container.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/var/lib/registry");
              assertThat(m.getName()).isEqualTo("data");
            });
    assertThat(pod.getVolumes()).extracting(Volume::getName).contains("config", "data", "tmp");
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("data"))
        .singleElement()
        .satisfies(
            v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("images-data"));
    assertThat(container.getEnv())
        .extracting(EnvVar::getName)
        .contains("REGISTRY_HTTP_SECRET")
        .doesNotContain(
            "REGISTRY_STORAGE_MAINTENANCE_READONLY_ENABLED",
            "REGISTRY_STORAGE_MAINTENANCE_READONLY");
    // a single-node volume keeps all pods on one node, and rolls without downtime
    assertThat(
            pod.getAffinity().getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
        .singleElement()
        .satisfies(term -> assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(
            deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isZero();
  }

  @Test
  void templateChangesWhenConfigurationOrGcTokenChanges() {
    Registry registry = Registries.withPvc("images", "10Gi");
    ServingMode mode = writable(registry);
    String base =
        RegistryDeployment.templateHash(
            RegistryDeployment.desired(registry, new RegistryDeployment.Inputs(mode, "c1", null)));

    assertThat(
            RegistryDeployment.templateHash(
                RegistryDeployment.desired(
                    registry, new RegistryDeployment.Inputs(mode, "c1", null))))
        .isEqualTo(base);
    assertThat(
            RegistryDeployment.templateHash(
                RegistryDeployment.desired(
                    registry, new RegistryDeployment.Inputs(mode, "c2", null))))
        .isNotEqualTo(base);
    assertThat(
            RegistryDeployment.templateHash(
                RegistryDeployment.desired(
                    registry, new RegistryDeployment.Inputs(mode, "c1", "2026-11-24T03:00:00Z"))))
        .isNotEqualTo(base);
  }

  @Test
  void maintenanceMakesPodsReadOnlyOrScalesToZero() {
    Registry registry = Registries.withPvc("images", "10Gi");
    registry.getSpec().setReplicas(3);
    var readOnly =
        new MaintenanceRequest(
            "GcSchedule/nightly", "run-1", MaintenanceMode.ReadOnly, "2026-11-24T03:00:00Z");
    var zero =
        new MaintenanceRequest(
            "GcSchedule/nightly", "run-1", MaintenanceMode.ScaleToZero, "2026-11-24T03:00:00Z");

    Deployment ro = deployment(registry, ServingMode.of(registry.getSpec(), Optional.of(readOnly)));
    Deployment scaled = deployment(registry, ServingMode.of(registry.getSpec(), Optional.of(zero)));

    assertThat(ro.getSpec().getReplicas()).isEqualTo(3);
    assertThat(ro.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry(Labels.READ_ONLY, "true");
    assertThat(scaled.getSpec().getReplicas()).isZero();
    assertThat(scaled.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry(Labels.READ_ONLY, "false");
    // read-only is part of the pod spec, so a pod proves it by its own container's environment
    assertThat(ro.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .contains(new EnvVar("REGISTRY_STORAGE_MAINTENANCE_READONLY", "{\"enabled\":true}", null))
        .extracting(EnvVar::getName)
        .doesNotContain("REGISTRY_STORAGE_MAINTENANCE_READONLY_ENABLED");
    assertThat(scaled.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .extracting(EnvVar::getName)
        .doesNotContain("REGISTRY_STORAGE_MAINTENANCE_READONLY");
    assertThat(PodCensus.of(List.of(pod(ro)), null).writable()).isZero();
    assertThat(PodCensus.of(List.of(pod(scaled)), null).writable()).isEqualTo(1);
  }

  private static io.fabric8.kubernetes.api.model.Pod pod(Deployment deployment) {
    var template = deployment.getSpec().getTemplate();
    return new io.fabric8.kubernetes.api.model.PodBuilder()
        .withNewMetadata()
        .withName("p")
        .withLabels(template.getMetadata().getLabels())
        .withAnnotations(template.getMetadata().getAnnotations())
        .endMetadata()
        .withSpec(template.getSpec())
        .build();
  }

  @Test
  void aPodIsWritableUnlessItsOwnContainerCarriesTheReadOnlySetting() {
    Registry registry = Registries.withPvc("images", "10Gi");
    var readOnly =
        new MaintenanceRequest(
            "GcSchedule/nightly", "run-1", MaintenanceMode.ReadOnly, "2026-11-24T03:00:00Z");
    Deployment ro = deployment(registry, ServingMode.of(registry.getSpec(), Optional.of(readOnly)));
    Deployment rw = deployment(registry, writable(registry));

    // the label says read-only, the container does not: it proves nothing
    var labelOnly = pod(rw);
    labelOnly.getMetadata().getLabels().put(Labels.READ_ONLY, "true");
    // the wrong (crashing or ignored) form of the variable, a false value, one taken from a Secret
    var wrongForm = pod(rw);
    wrongForm
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .add(new EnvVar("REGISTRY_STORAGE_MAINTENANCE_READONLY_ENABLED", "true", null));
    var disabled = pod(rw);
    disabled
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .add(new EnvVar("REGISTRY_STORAGE_MAINTENANCE_READONLY", "{\"enabled\":false}", null));
    var overridden = pod(ro);
    overridden
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .add(new EnvVar("REGISTRY_STORAGE_MAINTENANCE_READONLY", "{}", null));
    var fromSecret = pod(rw);
    fromSecret
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .add(
            new io.fabric8.kubernetes.api.model.EnvVarBuilder()
                .withName("REGISTRY_STORAGE_MAINTENANCE_READONLY")
                .withNewValueFrom()
                .withNewSecretKeyRef("k", "s", false)
                .endValueFrom()
                .build());
    var noLabel = pod(ro);
    noLabel.getMetadata().getLabels().remove(Labels.READ_ONLY);

    assertThat(PodCensus.of(List.of(labelOnly), null).writable()).as("label only").isEqualTo(1);
    assertThat(PodCensus.of(List.of(wrongForm), null).writable()).as("_ENABLED form").isEqualTo(1);
    assertThat(PodCensus.of(List.of(disabled), null).writable()).as("enabled false").isEqualTo(1);
    assertThat(PodCensus.of(List.of(overridden), null).writable())
        .as("a later value wins")
        .isEqualTo(1);
    assertThat(PodCensus.of(List.of(fromSecret), null).writable())
        .as("value from a Secret")
        .isEqualTo(1);
    assertThat(PodCensus.of(List.of(noLabel), null).writable())
        .as("the spec proves it, the label is for humans")
        .isZero();
  }

  @Test
  void configFileDoesNotDependOnMaintenance() {
    Registry registry = Registries.withPvc("images", "10Gi");
    registry.getSpec().setReadOnly(true);
    String yaml = RegistryConfigFile.render(registry.getSpec());
    assertThat(yaml).doesNotContain("maintenance").doesNotContain("readonly");
    assertThat(
            deployment(registry, writable(registry))
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv())
        .as("spec.readOnly goes through the pod spec too")
        .contains(new EnvVar("REGISTRY_STORAGE_MAINTENANCE_READONLY", "{\"enabled\":true}", null));
  }

  @Test
  void podSecurityAvoidsRecursiveChownOfTheVolume() {
    Registry registry = Registries.withPvc("images", "10Gi");
    var pod = deployment(registry, writable(registry)).getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getFsGroupChangePolicy()).isEqualTo("OnRootMismatch");
    assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getRunAsGroup()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getSecurityContext()).isEqualTo(dev.registryoperator.common.PodSecurity.pod());
    assertThat(pod.getContainers().get(0).getSecurityContext())
        .isEqualTo(dev.registryoperator.common.PodSecurity.container());
  }

  @Test
  void authAndTlsSecretsAreMountedAndS3CredentialsComeFromTheSecret() {
    Registry secured = Registries.withAuthAndTls("images");
    var pod = deployment(secured, writable(secured)).getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("tls"))
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("registry-tls"));
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("auth"))
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("registry-users"));

    Registry s3 = Registries.withS3("images");
    var s3Pod = deployment(s3, writable(s3)).getSpec().getTemplate().getSpec();
    assertThat(s3Pod.getVolumes()).extracting(Volume::getName).doesNotContain("data");
    assertThat(s3Pod.getAffinity()).isNull();
    assertThat(s3Pod.getContainers().get(0).getEnv())
        .filteredOn(e -> e.getName().equals("REGISTRY_STORAGE_S3_ACCESSKEY"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getValue()).isNull();
              assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("s3-credentials");
              assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("accessKey");
            });
  }

  @Test
  void userSchedulingAndResourcesArePassedThrough() {
    Registry registry = Registries.withPvc("images", "10Gi");
    registry.getSpec().setNodeSelector(Map.of("disk", "ssd"));
    registry.getSpec().setPodAnnotations(Map.of("prometheus.io/scrape", "true"));
    registry.getSpec().setImage("example.org/registry:3.0.0");
    registry.getSpec().setImagePullPolicy(RegistrySpec.PullPolicy.Always);
    registry
        .getSpec()
        .setResources(
            new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("512Mi"))
                .build());

    var template = deployment(registry, writable(registry)).getSpec().getTemplate();
    assertThat(template.getSpec().getNodeSelector()).containsEntry("disk", "ssd");
    assertThat(template.getMetadata().getAnnotations())
        .containsEntry("prometheus.io/scrape", "true");
    assertThat(template.getSpec().getContainers().get(0).getImage())
        .isEqualTo("example.org/registry:3.0.0");
    assertThat(template.getSpec().getContainers().get(0).getImagePullPolicy()).isEqualTo("Always");
    assertThat(template.getSpec().getContainers().get(0).getResources().getLimits())
        .containsKey("memory");
  }

  @Test
  void readWriteOncePodRecreatesInsteadOfSurging() {
    Registry registry = Registries.withPvc("images", "10Gi");
    registry
        .getSpec()
        .getStorage()
        .getPvc()
        .setAccessModes(List.of(PvcStorageSpec.AccessMode.ReadWriteOncePod));

    assertThat(deployment(registry, writable(registry)).getSpec().getStrategy().getType())
        .isEqualTo("Recreate");
  }

  @Test
  void serviceExposesTheConfiguredPort() {
    Registry registry = Registries.withPvc("images", "10Gi");
    ServiceSpec spec = new ServiceSpec();
    spec.setPort(443);
    spec.setType(ServiceSpec.Type.LoadBalancer);
    spec.setAnnotations(Map.of("service.beta.kubernetes.io/aws-load-balancer-internal", "true"));
    registry.getSpec().setService(spec);

    Service service = RegistryService.desired(registry);

    assertThat(service.getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getPort()).isEqualTo(443);
              assertThat(p.getTargetPort().getStrVal()).isEqualTo("registry");
            });
    assertThat(service.getSpec().getSelector()).isEqualTo(Labels.selector("images"));
    assertThat(service.getMetadata().getAnnotations())
        .containsKey("service.beta.kubernetes.io/aws-load-balancer-internal");
    assertThat(
            RegistryService.desired(Registries.withPvc("x", "1Gi"))
                .getSpec()
                .getPorts()
                .get(0)
                .getPort())
        .isEqualTo(5000);
  }

  @Test
  void claimIsOwnedOnlyWhenNotRetained() {
    Registry retained = Registries.withPvc("images", "10Gi");
    PersistentVolumeClaim claim = RegistryPvc.desired(retained);
    assertThat(claim.getMetadata().getName()).isEqualTo("images-data");
    assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    assertThat(claim.getSpec().getResources().getRequests().get("storage").toString())
        .isEqualTo("10Gi");
    assertThat(claim.getMetadata().getOwnerReferences()).isEmpty();

    Registry disposable = Registries.withPvc("images", "10Gi");
    disposable.getSpec().getStorage().getPvc().setRetainOnDelete(false);
    disposable.getSpec().getStorage().getPvc().setStorageClassName("fast");
    PvcStorageSpec pvc = disposable.getSpec().getStorage().getPvc();
    assertThat(RegistryPvc.desired(disposable).getMetadata().getOwnerReferences()).hasSize(1);
    assertThat(RegistryPvc.desired(disposable).getSpec().getStorageClassName())
        .isEqualTo(pvc.getStorageClassName());
  }

  @Test
  void configSecretHoldsTheRenderedFile() {
    Registry registry = Registries.withPvc("images", "10Gi");
    Secret secret = RegistrySecrets.config(registry, "version: 0.1\n");

    assertThat(secret.getMetadata().getName()).isEqualTo("images-config");
    assertThat(
            new String(
                Base64.getDecoder().decode(secret.getData().get("config.yml")),
                StandardCharsets.UTF_8))
        .isEqualTo("version: 0.1\n");
    assertThat(RegistrySecrets.text(secret, "config.yml")).isEqualTo("version: 0.1\n");
  }
}
