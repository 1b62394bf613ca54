package dev.registryoperator.gcrunner.testkit;

/** A content descriptor as manifests carry it. */
public record Descriptor(String mediaType, String digest, long size) {
  String toJson() {
    return "{\"mediaType\":\""
        + mediaType
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":"
        + size
        + "}";
  }
}
