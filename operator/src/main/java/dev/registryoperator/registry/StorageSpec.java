package dev.registryoperator.registry;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** Where the registry keeps its blobs and manifests: exactly one of pvc or s3. */
@ValidationRule(
    value = "has(self.pvc) != has(self.s3)",
    message = "set exactly one of storage.pvc or storage.s3")
public class StorageSpec {
  @JsonPropertyDescription("Filesystem storage on a PersistentVolumeClaim.")
  private PvcStorageSpec pvc;

  @JsonPropertyDescription("Object storage on S3 or an S3-compatible service.")
  private S3StorageSpec s3;

  public PvcStorageSpec getPvc() {
    return pvc;
  }

  public void setPvc(PvcStorageSpec pvc) {
    this.pvc = pvc;
  }

  public S3StorageSpec getS3() {
    return s3;
  }

  public void setS3(S3StorageSpec s3) {
    this.s3 = s3;
  }
}
