package dev.registryoperator.gcrunner;

import java.io.IOException;
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

  @Override
  public void close() {
    client.close();
  }
}
