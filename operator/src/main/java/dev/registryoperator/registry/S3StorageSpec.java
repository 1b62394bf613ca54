package dev.registryoperator.registry;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Object storage on S3 or an S3-compatible service. */
public class S3StorageSpec {
  @Required
  @Pattern("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
  @JsonPropertyDescription("Bucket that holds the registry's data.")
  private String bucket;

  @Required
  @JsonPropertyDescription("Region of the bucket, for example eu-west-1.")
  private String region;

  @Pattern("^https?://.+")
  @JsonPropertyDescription(
      "Endpoint of an S3-compatible service (MinIO, Ceph RGW). Empty means AWS.")
  private String regionEndpoint;

  @Pattern("^/.*")
  @JsonPropertyDescription("Prefix inside the bucket under which all registry data is stored.")
  private String rootDirectory;

  @JsonPropertyDescription(
      "Secret with keys accessKey and secretKey. Leave empty to use the pod's identity (for example IRSA).")
  private SecretRef credentialsSecretRef;

  public String getBucket() {
    return bucket;
  }

  public void setBucket(String bucket) {
    this.bucket = bucket;
  }

  public String getRegion() {
    return region;
  }

  public void setRegion(String region) {
    this.region = region;
  }

  public String getRegionEndpoint() {
    return regionEndpoint;
  }

  public void setRegionEndpoint(String regionEndpoint) {
    this.regionEndpoint = regionEndpoint;
  }

  public String getRootDirectory() {
    return rootDirectory;
  }

  public void setRootDirectory(String rootDirectory) {
    this.rootDirectory = rootDirectory;
  }

  public SecretRef getCredentialsSecretRef() {
    return credentialsSecretRef;
  }

  public void setCredentialsSecretRef(SecretRef credentialsSecretRef) {
    this.credentialsSecretRef = credentialsSecretRef;
  }
}
