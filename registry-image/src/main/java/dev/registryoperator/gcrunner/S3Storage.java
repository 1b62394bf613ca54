package dev.registryoperator.gcrunner;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
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

  /** The blobs' key prefix under the storage's root. */
  static final String BLOBS = "docker/registry/v2/blobs/";

  /**
   * Every blob with the size of its {@code data} object, listed page by page (1,000 keys each): on
   * S3 what {@link BlobFiles#snapshot} is on a filesystem.
   */
  BlobSnapshot blobs() throws IOException {
    Map<String, Long> sizes = new HashMap<>();
    String prefix = location.key(BLOBS);
    try {
      for (S3Object object :
          client
              .listObjectsV2Paginator(
                  ListObjectsV2Request.builder().bucket(location.bucket()).prefix(prefix).build())
              .contents()) {
        String digest = digestOf(object.key().substring(prefix.length()));
        if (digest != null) {
          sizes.put(digest, object.size());
        }
      }
    } catch (SdkException e) {
      throw new IOException("cannot list the blobs of " + location + ": " + e.getMessage(), e);
    }
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

  @Override
  public void close() {
    client.close();
  }
}
