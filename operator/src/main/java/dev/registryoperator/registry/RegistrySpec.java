package dev.registryoperator.registry;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.registryoperator.common.LenientSpec;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** What the user asks for. The operator never writes it. */
public class RegistrySpec extends LenientSpec {
  /** The project's registry image (registry-image/), pinned by tag. */
  public static final String DEFAULT_IMAGE = "ghcr.io/registry-operator/registry:0.1.0";

  public enum PullPolicy {
    Always,
    IfNotPresent,
    Never
  }

  @Default(DEFAULT_IMAGE)
  @JsonPropertyDescription(
      "Image that runs the registry and its GC Jobs. It must contain the registry binary at /usr/local/bin/registry and the GC runner, like the project's registry image.")
  private String image;

  @JsonPropertyDescription("Pull policy of the image: Always, IfNotPresent or Never.")
  private PullPolicy imagePullPolicy;

  @JsonPropertyDescription("Secrets used to pull the image.")
  private List<LocalObjectReference> imagePullSecrets;

  @Default("1")
  @Min(0)
  @JsonPropertyDescription("Number of registry pods. 0 stops the registry and keeps its storage.")
  private Integer replicas;

  @Required
  @JsonPropertyDescription("Where images are stored: exactly one of pvc or s3.")
  private StorageSpec storage;

  @JsonPropertyDescription("Client authentication.")
  private AuthSpec auth;

  @JsonPropertyDescription(
      "TLS for the registry's endpoint. Without it the registry serves plain HTTP.")
  private TlsSpec tls;

  @JsonPropertyDescription("The Service in front of the registry.")
  private ServiceSpec service;

  @JsonPropertyDescription(
      "Other host[:port] names clients pull this registry's images by, besides its Service's DNS names: an Ingress host such as registry.example.com, localhost:30500 for a NodePort, an IP address. Retention never deletes an image a workload in the cluster names by one of these hosts or by the Service.")
  private List<String> hostNames;

  @JsonPropertyDescription("CPU and memory requests and limits of the registry container.")
  private ResourceRequirements resources;

  @JsonPropertyDescription("Node labels the registry pods must match.")
  private Map<String, String> nodeSelector;

  @JsonPropertyDescription("Tolerations of the registry pods.")
  private List<Toleration> tolerations;

  @JsonPropertyDescription("Affinity rules of the registry pods.")
  private Affinity affinity;

  @JsonPropertyDescription("Annotations added to the registry pods.")
  private Map<String, String> podAnnotations;

  @Default("false")
  @JsonPropertyDescription(
      "Serve the registry read-only: pulls work, pushes and deletes are refused with HTTP 405.")
  private Boolean readOnly;

  @PreserveUnknownFields
  @SchemaFrom(type = ObjectNode.class)
  @JsonPropertyDescription(
      "Extra registry configuration merged into the generated config.yml (see the distribution configuration reference). Keys the operator owns are refused: storage, auth, http.addr, http.tls, http.debug.")
  private Map<String, Object> config;

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public PullPolicy getImagePullPolicy() {
    return imagePullPolicy;
  }

  public void setImagePullPolicy(PullPolicy imagePullPolicy) {
    this.imagePullPolicy = imagePullPolicy;
  }

  public List<LocalObjectReference> getImagePullSecrets() {
    return imagePullSecrets;
  }

  public void setImagePullSecrets(List<LocalObjectReference> imagePullSecrets) {
    this.imagePullSecrets = imagePullSecrets;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public StorageSpec getStorage() {
    return storage;
  }

  public void setStorage(StorageSpec storage) {
    this.storage = storage;
  }

  public AuthSpec getAuth() {
    return auth;
  }

  public void setAuth(AuthSpec auth) {
    this.auth = auth;
  }

  public TlsSpec getTls() {
    return tls;
  }

  public void setTls(TlsSpec tls) {
    this.tls = tls;
  }

  public ServiceSpec getService() {
    return service;
  }

  public void setService(ServiceSpec service) {
    this.service = service;
  }

  public List<String> getHostNames() {
    return hostNames;
  }

  public void setHostNames(List<String> hostNames) {
    this.hostNames = hostNames;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public List<Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations;
  }

  public Affinity getAffinity() {
    return affinity;
  }

  public void setAffinity(Affinity affinity) {
    this.affinity = affinity;
  }

  public Map<String, String> getPodAnnotations() {
    return podAnnotations;
  }

  public void setPodAnnotations(Map<String, String> podAnnotations) {
    this.podAnnotations = podAnnotations;
  }

  public Boolean getReadOnly() {
    return readOnly;
  }

  public void setReadOnly(Boolean readOnly) {
    this.readOnly = readOnly;
  }

  public Map<String, Object> getConfig() {
    return config;
  }

  public void setConfig(Map<String, Object> config) {
    this.config = config;
  }

  // Defaults applied in code too: the CRD applies them on a real API server, the mock does not.

  public String effectiveImage() {
    return image == null || image.isBlank() ? DEFAULT_IMAGE : image;
  }

  public int effectiveReplicas() {
    return replicas == null ? 1 : replicas;
  }

  public int effectivePort() {
    return service == null || service.getPort() == null
        ? ServiceSpec.DEFAULT_PORT
        : service.getPort();
  }

  public boolean effectiveReadOnly() {
    return readOnly != null && readOnly;
  }
}
