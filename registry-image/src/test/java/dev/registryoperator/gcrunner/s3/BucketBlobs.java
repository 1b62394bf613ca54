package dev.registryoperator.gcrunner.s3;

import dev.registryoperator.gcrunner.testkit.StorageSnapshot;
import dev.registryoperator.s3server.S3Object;
import dev.registryoperator.s3server.S3Server;
import java.util.Map;
import java.util.TreeMap;

/** The registry's blobs in a bucket, read from its object listing: digest to size of its data. */
public final class BucketBlobs {
  static final String BLOBS = "docker/registry/v2/blobs/";

  private BucketBlobs() {}

  /** Every {@code docker/registry/v2/blobs/<algorithm>/<xx>/<hex>/data} object, by digest. */
  public static StorageSnapshot snapshot(S3Server s3, String bucket) {
    return snapshot(s3, bucket, "");
  }

  /** The same under a registry's {@code rootdirectory} ({@code ""} or ending in a slash). */
  public static StorageSnapshot snapshot(S3Server s3, String bucket, String root) {
    String prefix = root + BLOBS;
    Map<String, Long> sizes = new TreeMap<>();
    for (S3Object object : s3.list(bucket, prefix)) {
      String[] path = object.key().substring(prefix.length()).split("/");
      if (path.length == 4 && path[3].equals("data")) {
        sizes.put(path[0] + ":" + path[2], object.size());
      }
    }
    return new StorageSnapshot(sizes);
  }
}
