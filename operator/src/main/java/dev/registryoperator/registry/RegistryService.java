package dev.registryoperator.registry;

import dev.registryoperator.common.Labels;
import dev.registryoperator.common.Owners;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/** The Service in front of the registry pods. Pure. */
public final class RegistryService {
  private RegistryService() {}

  public static Service desired(Registry registry) {
    RegistrySpec spec = registry.getSpec();
    String name = registry.getMetadata().getName();
    ServiceSpec service = spec.getService();
    String type =
        service == null || service.getType() == null
            ? ServiceSpec.Type.ClusterIP.name()
            : service.getType().name();
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(RegistryNames.service(name))
        .withNamespace(registry.getMetadata().getNamespace())
        .withLabels(Labels.forInstance(name, Labels.COMPONENT_REGISTRY))
        .withAnnotations(service == null ? null : service.getAnnotations())
        .withOwnerReferences(Owners.controller(registry))
        .endMetadata()
        .withNewSpec()
        .withType(type)
        .withSelector(Labels.selector(name))
        .addNewPort()
        .withName(spec.getTls() != null ? "https" : "http")
        .withProtocol("TCP")
        .withPort(spec.effectivePort())
        .withTargetPort(new IntOrString("registry"))
        .endPort()
        .endSpec()
        .build();
  }
}
