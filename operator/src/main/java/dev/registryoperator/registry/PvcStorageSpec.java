package dev.registryoperator.registry;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Filesystem storage on a PersistentVolumeClaim. */
@ValidationRule(
    value = "has(self.size) != has(self.existingClaim)",
    message = "storage.pvc needs exactly one of size (a new claim) or existingClaim")
public class PvcStorageSpec {
  public enum AccessMode {
    ReadWriteOnce,
    ReadWriteMany,
    ReadWriteOncePod
  }

  @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")
  @JsonPropertyDescription(
      "Requested size of the claim the operator creates, for example 20Gi. Required unless existingClaim is set.")
  private String size;

  @JsonPropertyDescription(
      "StorageClass of the claim the operator creates. Empty means the cluster's default class.")
  private String storageClassName;

  @Default("[\"ReadWriteOnce\"]")
  @JsonPropertyDescription(
      "Access modes of the claim the operator creates. With ReadWriteOnce all registry pods and GC Jobs run on one node.")
  private List<AccessMode> accessModes;

  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "Use this existing claim instead of creating one. The operator never modifies or deletes it.")
  private String existingClaim;

  @Default("true")
  @JsonPropertyDescription(
      "Keep the claim (and the images in it) when the Registry is deleted. Set false to delete the claim with the Registry.")
  private Boolean retainOnDelete;

  public String getSize() {
    return size;
  }

  public void setSize(String size) {
    this.size = size;
  }

  public String getStorageClassName() {
    return storageClassName;
  }

  public void setStorageClassName(String storageClassName) {
    this.storageClassName = storageClassName;
  }

  public List<AccessMode> getAccessModes() {
    return accessModes;
  }

  public void setAccessModes(List<AccessMode> accessModes) {
    this.accessModes = accessModes;
  }

  public String getExistingClaim() {
    return existingClaim;
  }

  public void setExistingClaim(String existingClaim) {
    this.existingClaim = existingClaim;
  }

  public Boolean getRetainOnDelete() {
    return retainOnDelete;
  }

  public void setRetainOnDelete(Boolean retainOnDelete) {
    this.retainOnDelete = retainOnDelete;
  }

  /** Access modes with the default applied (the mock API server applies no CRD defaults). */
  public List<AccessMode> effectiveAccessModes() {
    return accessModes == null || accessModes.isEmpty()
        ? List.of(AccessMode.ReadWriteOnce)
        : accessModes;
  }

  public boolean effectiveRetainOnDelete() {
    return retainOnDelete == null || retainOnDelete;
  }

  /** True when only one node can mount the volume, so every pod using it must share that node. */
  public boolean singleNode() {
    return !effectiveAccessModes().contains(AccessMode.ReadWriteMany);
  }
}
