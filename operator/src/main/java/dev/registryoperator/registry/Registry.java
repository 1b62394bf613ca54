package dev.registryoperator.registry;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A managed distribution registry: its storage, configuration, Deployment and Service. */
@Group(Registry.GROUP)
@Version(Registry.VERSION)
@ShortNames("reg")
@Categories("registry-operator")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Replicas",
    jsonPath = ".status.replicasSummary",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Endpoint",
    jsonPath = ".status.endpoint",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class Registry extends CustomResource<RegistrySpec, RegistryStatus> implements Namespaced {
  public static final String GROUP = "registry.operator.dev";
  public static final String VERSION = "v1alpha1";

  @Override
  @JsonPropertyDescription("What the registry should be: storage, configuration, auth, TLS, replicas, Service.")
  public RegistrySpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("What the operator observed: conditions, phase, replicas, endpoint, maintenance window, last garbage collection. Written only by the operator.")
  public RegistryStatus getStatus() {
    return super.getStatus();
  }
}
