package dev.registryoperator.gcrunner;

import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * Where an S3 storage is, read as the registry reads it: the {@code storage.s3} parameters of its
 * config, each overridden by its {@code REGISTRY_STORAGE_S3_<NAME>} variable. Credentials absent
 * here come from the AWS SDK's usual chain (environment, instance role), as in the registry.
 *
 * @param endpoint {@code regionendpoint}, null for AWS itself
 * @param rootDirectory {@code rootdirectory} without slashes around it, "" for the bucket's root
 */
public record S3Location(
    String bucket,
    String region,
    URI endpoint,
    boolean pathStyle,
    String accessKey,
    String secretKey,
    String rootDirectory) {

  /** The storage's key prefix of {@code path} (e.g. {@code docker/registry/v2/repositories/}). */
  public String key(String path) {
    return rootDirectory.isEmpty() ? path : rootDirectory + "/" + path;
  }

  /** {@code bucket} may be null: the registry refuses such a config, and says so. */
  static S3Location of(Map<?, ?> params, Map<String, String> env) {
    String bucket = value(params, env, "bucket");
    String region = value(params, env, "region");
    String endpoint = value(params, env, "regionendpoint");
    boolean secure = !"false".equalsIgnoreCase(String.valueOf(value(params, env, "secure")));
    URI uri = null;
    if (endpoint != null) {
      uri =
          URI.create(
              endpoint.contains("://") ? endpoint : (secure ? "https://" : "http://") + endpoint);
    }
    String root = value(params, env, "rootdirectory");
    root = root == null ? "" : root.replaceAll("^/+|/+$", "");
    return new S3Location(
        bucket,
        region == null ? "us-east-1" : region,
        uri,
        "true".equalsIgnoreCase(String.valueOf(value(params, env, "forcepathstyle"))),
        value(params, env, "accesskey"),
        value(params, env, "secretkey"),
        root);
  }

  private static String value(Map<?, ?> params, Map<String, String> env, String name) {
    String override = env.get("REGISTRY_STORAGE_S3_" + name.toUpperCase(Locale.ROOT));
    if (override != null && !override.isBlank()) {
      return override.trim();
    }
    Object value = params == null ? null : params.get(name);
    return value == null || String.valueOf(value).isBlank() ? null : String.valueOf(value).trim();
  }

  /** Never the secret key: a location may be logged. */
  @Override
  public String toString() {
    return "s3://" + bucket + "/" + rootDirectory + (endpoint == null ? "" : " at " + endpoint);
  }
}
