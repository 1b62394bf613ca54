package dev.registryoperator.gcrunner.s3;

import dev.registryoperator.gcrunner.testkit.StorageSnapshot;
import dev.registryoperator.s3server.S3Object;
import dev.registryoperator.s3server.S3Server;
import java.util.Map;
import java.util.TreeMap;

/** The registry's blobs in a bucket, read from its object listing: digest to size of its data. */
final class BucketBlobs {
  static final String BLOBS = "docker/registry/v2/blobs/";

  private BucketBlobs() {}

  /** Every {@code docker/registry/v2/blobs/<algorithm>/<xx>/<hex>/data} object, by digest. */
  static StorageSnapshot snapshot(S3Server s3, String bucket) {
    Map<String, Long> sizes = new TreeMap<>();
    for (S3Object object : s3.list(bucket, BLOBS)) {
      String[] path = object.key().substring(BLOBS.length()).split("/");
      if (path.length == 4 && path[3].equals("data")) {
        sizes.put(path[0] + ":" + path[2], object.size());
      }
    }
    return new StorageSnapshot(sizes);
  }
}
