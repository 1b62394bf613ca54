package dev.registryoperator.registry;

import dev.registryoperator.common.Labels;
import dev.registryoperator.common.Owners;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;

/**
 * The claim the operator creates when the spec asks for a size. Owned by the Registry (so deleted
 * with it) only when {@code retainOnDelete} is false: the images are the user's data. Pure.
 */
public final class RegistryPvc {
  private RegistryPvc() {}

  public static PersistentVolumeClaim desired(Registry registry) {
    PvcStorageSpec pvc = registry.getSpec().getStorage().getPvc();
    String name = registry.getMetadata().getName();
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(RegistryNames.createdClaim(name))
        .withNamespace(registry.getMetadata().getNamespace())
        .withLabels(Labels.forInstance(name, Labels.COMPONENT_REGISTRY))
        .withOwnerReferences(
            pvc.effectiveRetainOnDelete() ? List.of() : List.of(Owners.controller(registry)))
        .endMetadata()
        .withNewSpec()
        .withAccessModes(pvc.effectiveAccessModes().stream().map(Enum::name).toList())
        .withStorageClassName(pvc.getStorageClassName())
        .withNewResources()
        .withRequests(Map.of("storage", new Quantity(pvc.getSize())))
        .endResources()
        .endSpec()
        .build();
  }
}
