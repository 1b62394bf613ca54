package dev.registryoperator.gcrunner.s3;

import dev.registryoperator.s3server.S3Server;

/**
 * A registry config that stores in a bucket of an {@link S3Server}, deletes enabled: for the
 * registry's tests on S3, the runner's, and the benchmark's (port 0 where nothing serves).
 */
public final class RegistryS3Config {
  /** 5 MiB, the smallest the 2.8.2 driver takes: a layer above it is uploaded in parts. */
  static final int CHUNK_SIZE = 5 << 20;

  private RegistryS3Config() {}

  /**
   * Blobs above {@link #CHUNK_SIZE} go up as several parts and are moved into place by multipart
   * copy (UploadPartCopy with ranges), not CopyObject. Redirects are off: blobs are served by the
   * registry, not by pre-signed S3 URLs.
   */
  public static String yaml(S3Server s3, String bucket, int port) {
    return """
        version: 0.1
        log:
          level: info
          fields:
            service: registry
        storage:
          s3:
            regionendpoint: %s
            region: %s
            bucket: %s
            accesskey: %s
            secretkey: %s
            forcepathstyle: true
            secure: false
            v4auth: true
            chunksize: %d
            multipartcopychunksize: %d
            multipartcopythresholdsize: %d
          delete:
            enabled: true
          redirect:
            disable: true
        http:
          addr: 127.0.0.1:%d
          secret: test-http-secret-not-for-production
        """
        .formatted(
            s3.endpoint(),
            S3Server.REGION,
            bucket,
            s3.accessKey(),
            s3.secretKey(),
            CHUNK_SIZE,
            CHUNK_SIZE,
            CHUNK_SIZE,
            port);
  }
}
