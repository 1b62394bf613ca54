package dev.registryoperator.gcrunner;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A registry's S3 storage, read through the S3 API with the registry's own settings and credentials
 * (the keys never leave this class: {@link S3Location#toString()} omits them).
 */
final class S3Storage implements AutoCloseable {
  private final S3Location location;
  private final S3Client client;

  private S3Storage(S3Location location, S3Client client) {
    this.location = location;
    this.client = client;
  }

  static S3Storage connect(S3Location location) {
    AwsCredentialsProvider credentials =
        location.accessKey() != null && location.secretKey() != null
            ? StaticCredentialsProvider.create(
                AwsBasicCredentials.create(location.accessKey(), location.secretKey()))
            : DefaultCredentialsProvider.builder().build();
    var builder =
        S3Client.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .region(Region.of(location.region()))
            .credentialsProvider(credentials)
            // no flexible checksums unless an operation needs them: S3-compatible stores (MinIO
            // before 2025, S3Proxy, Ceph) refuse the x-amz-checksum-mode header with 501
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .serviceConfiguration(
                S3Configuration.builder().pathStyleAccessEnabled(location.pathStyle()).build());
    if (location.endpoint() != null) {
      builder.endpointOverride(location.endpoint());
    }
    return new S3Storage(location, builder.build());
  }

  /** True when at least one object's key starts with {@code path} under the storage's root. */
  boolean anyUnder(String path) throws IOException {
    try {
      return client
              .listObjectsV2(
                  ListObjectsV2Request.builder()
                      .bucket(location.bucket())
                      .prefix(location.key(path))
                      .maxKeys(1)
                      .build())
              .keyCount()
          > 0;
    } catch (SdkException e) {
      throw new IOException("cannot list " + location + ": " + e.getMessage(), e);
    }
  }

  /** Everything the registry stores, under the storage's root. */
  static final String ROOT = "docker/registry/v2/";

  /** The blobs' key prefix under the storage's root. */
  static final String BLOBS = ROOT + "blobs/";

  /**
   * Every blob with the size of its {@code data} object, listed page by page (1,000 keys each): on
   * S3 what {@link BlobFiles#snapshot} is on a filesystem.
   */
  BlobSnapshot blobs() throws IOException {
    Map<String, Long> sizes = new HashMap<>();
    forEachObject(
        BLOBS,
        (key, object) -> {
          String digest = digestOf(key);
          if (digest != null) {
            sizes.put(digest, object.size());
          }
        });
    return new BlobSnapshot(sizes, 0);
  }

  /**
   * The digest of a blob's data object, from its key under the blobs' prefix ({@code
   * sha256/ab/abcd.../data}); null for any other object.
   */
  static String digestOf(String keyUnderBlobs) {
    String[] parts = keyUnderBlobs.split("/");
    if (parts.length != 4 || !parts[3].equals("data") || !parts[2].startsWith(parts[1])) {
      return null;
    }
    String digest = parts[0] + ":" + parts[2];
    return Digests.isValid(digest) ? digest : null;
  }

  /** Every key under {@code path} (under the storage's root), relative to {@code path}. */
  Set<String> keys(String path) throws IOException {
    Set<String> keys = new HashSet<>();
    forEachObject(path, (key, object) -> keys.add(key));
    return keys;
  }

  /**
   * Every key under {@code path} (under the storage's root), relative to {@code path}, with the
   * time its object was last written: a tag's push time is that of its {@code current/link}.
   */
  Map<String, Instant> keysModified(String path) throws IOException {
    Map<String, Instant> keys = new HashMap<>();
    forEachObject(path, (key, object) -> keys.put(key, object.lastModified()));
    return keys;
  }

  /** Each object under {@code path}: its key relative to {@code path}, and the object listed. */
  private void forEachObject(String path, BiConsumer<String, S3Object> each) throws IOException {
    String prefix = location.key(path);
    try {
      for (S3Object object :
          client
              .listObjectsV2Paginator(
                  ListObjectsV2Request.builder().bucket(location.bucket()).prefix(prefix).build())
              .contents()) {
        each.accept(object.key().substring(prefix.length()), object);
      }
    } catch (SdkException e) {
      throw new IOException("cannot list " + path + " of " + location + ": " + e.getMessage(), e);
    }
  }

  /** The object at {@code path} (under the storage's root), or null when there is none. */
  byte[] read(String path) throws IOException {
    try {
      return client
          .getObjectAsBytes(
              GetObjectRequest.builder().bucket(location.bucket()).key(location.key(path)).build())
          .asByteArray();
    } catch (NoSuchKeyException e) {
      return null;
    } catch (SdkException e) {
      throw new IOException("cannot read " + path + " from " + location + ": " + e.getMessage(), e);
    }
  }

  /** Deletes the object at {@code path} (under the storage's root); nothing when there is none. */
  void delete(String path) throws IOException {
    try {
      client.deleteObject(
          DeleteObjectRequest.builder().bucket(location.bucket()).key(location.key(path)).build());
    } catch (SdkException e) {
      throw new IOException(
          "cannot delete " + path + " from " + location + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
