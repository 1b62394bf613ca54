package dev.registryoperator.gcrunner;

import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Every blob of a storage with the size of its {@code data} file, taken before {@code
 * garbage-collect} deletes anything: what a blob that is gone afterwards held. Pure: {@link
 * BlobFiles#snapshot} reads it from disk.
 */
public final class BlobSnapshot {
  private final Map<String, Long> sizes;
  private final int unreadable;

  /**
   * @param sizes digest ({@code sha256:<hex>}) to the size of its data file; blobs without a data
   *     file are not in it (kept, not copied: the snapshot's owner does not change it)
   * @param unreadable blob directories (or directories of them) that could not be examined: their
   *     blobs have no size here
   */
  public BlobSnapshot(Map<String, Long> sizes, int unreadable) {
    this.sizes = Collections.unmodifiableMap(sizes);
    this.unreadable = unreadable;
  }

  public int count() {
    return sizes.size();
  }

  public int unreadable() {
    return unreadable;
  }

  public Set<String> digests() {
    return sizes.keySet();
  }

  /** The size of the blob's data before the run, or {@link BlobFiles#ABSENT}. */
  public long size(String digest) {
    Long size = sizes.get(digest);
    return size == null ? BlobFiles.ABSENT : size;
  }

  public long totalBytes() {
    long total = 0;
    for (long size : sizes.values()) {
      total += size;
    }
    return total;
  }

  /** The sum of the sizes of these blobs (each counted once; blobs not in the snapshot add 0). */
  public long bytesOf(Collection<String> digests) {
    long total = 0;
    for (String digest : digests instanceof Set<?> ? digests : new HashSet<>(digests)) {
      Long size = sizes.get(digest);
      if (size != null) {
        total += size;
      }
    }
    return total;
  }

  /**
   * What left the disk among {@code candidates}: those that were in the snapshot and are no longer
   * present.
   *
   * @param candidates the blobs the run may have deleted (each counted once)
   * @param present whether a blob is still present after the run
   */
  public Reclaimed reclaimed(Collection<String> candidates, Predicate<String> present) {
    long blobs = 0;
    long bytes = 0;
    for (String digest : candidates instanceof Set<?> ? candidates : new HashSet<>(candidates)) {
      Long size = sizes.get(digest);
      if (size != null && !present.test(digest)) {
        blobs++;
        bytes += size;
      }
    }
    return new Reclaimed(blobs, bytes);
  }

  /**
   * Blobs gone since the snapshot and the bytes their data held.
   *
   * @param blobs how many blobs
   * @param bytes the sum of their sizes in the snapshot
   */
  public record Reclaimed(long blobs, long bytes) {}
}
