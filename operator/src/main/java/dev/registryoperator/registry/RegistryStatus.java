package dev.registryoperator.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed. Written only by the Registry reconciler. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RegistryStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Ready, Progressing and Maintenance conditions.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription(
      "Summary of the conditions: Pending, Progressing, Ready, Maintenance, Stopped or Failed.")
  private String phase;

  @JsonPropertyDescription("Registry pods that are ready.")
  private Integer readyReplicas;

  @JsonPropertyDescription("Registry pods asked for (0 during a ScaleToZero maintenance).")
  private Integer replicas;

  @JsonPropertyDescription("Ready and desired pods, as ready/desired.")
  private String replicasSummary;

  @JsonPropertyDescription("In-cluster address of the registry: <service>.<namespace>.svc:<port>.")
  private String endpoint;

  @JsonPropertyDescription("The maintenance window a GC run holds, if any.")
  private MaintenanceStatus maintenance;

  @JsonPropertyDescription("The last garbage collection that finished on this registry.")
  private LastGarbageCollection lastGarbageCollection;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public String getPhase() {
    return phase;
  }

  public void setPhase(String phase) {
    this.phase = phase;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public String getReplicasSummary() {
    return replicasSummary;
  }

  public void setReplicasSummary(String replicasSummary) {
    this.replicasSummary = replicasSummary;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public MaintenanceStatus getMaintenance() {
    return maintenance;
  }

  public void setMaintenance(MaintenanceStatus maintenance) {
    this.maintenance = maintenance;
  }

  public LastGarbageCollection getLastGarbageCollection() {
    return lastGarbageCollection;
  }

  public void setLastGarbageCollection(LastGarbageCollection lastGarbageCollection) {
    this.lastGarbageCollection = lastGarbageCollection;
  }
}
