package dev.registryoperator.registry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.registryoperator.common.LenientJson;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A managed distribution registry: its storage, configuration, Deployment and Service. */
@JsonIgnoreProperties(
    ignoreUnknown = true) // one object this operator cannot fully read never stops it
@Group(Registry.GROUP)
@Version(Registry.VERSION)
@ShortNames("reg")
@Categories("registry-operator")
// kubectl prints the columns in this order (the build keeps it, see PrinterColumnOrder): is it
// ready, what is it doing, its pods, then the long endpoint, and Age last as for built-in kinds.
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
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
@ValidationRule(
    value = "self.metadata.name.size() <= " + RegistryNames.MAX_NAME_LENGTH,
    message =
        "metadata.name may have at most "
            + RegistryNames.MAX_NAME_LENGTH
            + " characters: a Registry's name names its Service")
@ValidationRule(
    value = "self.metadata.name.matches('" + RegistryNames.NAME_PATTERN + "')",
    message =
        "metadata.name must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter)")
public class Registry extends CustomResource<RegistrySpec, RegistryStatus> implements Namespaced {
  public static final String GROUP = "registry.operator.dev";
  public static final String VERSION = "v1alpha1";

  @Override
  @JsonPropertyDescription(
      "What the registry should be: storage, configuration, auth, TLS, replicas, Service.")
  @JsonSerialize(using = LenientJson.AsWrittenSerializer.class)
  public RegistrySpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription(
      "What the operator observed: conditions, phase, replicas, endpoint, maintenance window, last garbage collection. Written only by the operator.")
  public RegistryStatus getStatus() {
    return super.getStatus();
  }

  /**
   * Read leniently: one object this operator cannot read never stops the operator (see
   * LenientJson).
   */
  @Override
  @JsonDeserialize(using = SpecReader.class)
  public void setSpec(RegistrySpec spec) {
    super.setSpec(spec);
  }

  @Override
  @JsonDeserialize(using = StatusReader.class)
  public void setStatus(RegistryStatus status) {
    super.setStatus(status);
  }

  /** Reads the spec leniently. */
  public static final class SpecReader extends LenientJson.SpecReader<RegistrySpec> {
    public SpecReader() {
      super(RegistrySpec.class);
    }
  }

  /** Reads the status leniently. */
  public static final class StatusReader extends LenientJson.StatusReader<RegistryStatus> {
    public StatusReader() {
      super(RegistryStatus.class);
    }
  }
}
