package dev.registryoperator.gcrunner;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Sizes and presence of blob {@code data} files, statted in parallel. */
public final class BlobFiles {
  /** {@link #stat} of a file that does not exist. */
  public static final long ABSENT = -1;

  /** {@link #stat} of a file that could not be examined (permissions, I/O error). */
  public static final long UNREADABLE = -2;

  private final StorageLayout layout;
  private final Parallel parallel;

  public BlobFiles(StorageLayout layout, Parallel parallel) {
    this.layout = layout;
    this.parallel = parallel;
  }

  /** {@link #stat} of each digest's data file. */
  public long[] stat(List<String> digests) {
    long[] sizes = new long[digests.size()];
    parallel.forEachIndex(
        digests.size(),
        i ->
            sizes[i] =
                Digests.isValid(digests.get(i)) ? stat(layout.blobData(digests.get(i))) : ABSENT);
    return sizes;
  }

  /**
   * Every blob in the storage with the size of its data file: one listing per {@code
   * blobs/<algorithm>/<xx>} directory and one {@code stat} per blob, spread over the pool.
   */
  public BlobSnapshot snapshot() {
    List<File> prefixes = new ArrayList<>();
    List<String> algorithms = new ArrayList<>();
    AtomicInteger unreadable = new AtomicInteger();
    File blobs = layout.blobs().toFile();
    for (String algorithm : list(blobs, unreadable)) {
      File algorithmDir = new File(blobs, algorithm);
      for (String prefix : list(algorithmDir, unreadable)) {
        prefixes.add(new File(algorithmDir, prefix));
        algorithms.add(algorithm + ":");
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Long>[] found = new Map[prefixes.size()];
    parallel.forEachIndex(
        prefixes.size(),
        i -> {
          Map<String, Long> sizes = new HashMap<>();
          File prefix = prefixes.get(i);
          for (String hex : list(prefix, unreadable)) {
            long size = stat(new File(prefix, hex + "/data"));
            if (size >= 0) {
              sizes.put(algorithms.get(i) + hex, size);
            } else if (size == UNREADABLE) {
              unreadable.incrementAndGet();
            }
          }
          found[i] = sizes;
        });
    Map<String, Long> all = new HashMap<>();
    for (Map<String, Long> sizes : found) {
      all.putAll(sizes);
    }
    return new BlobSnapshot(all, unreadable.get());
  }

  /** The names in a directory; none when it does not exist, none and counted when unreadable. */
  private static String[] list(File dir, AtomicInteger unreadable) {
    String[] names = dir.list();
    if (names == null) {
      if (dir.isDirectory()) {
        unreadable.incrementAndGet();
      }
      return new String[0];
    }
    return names;
  }

  /** The file's size, {@link #ABSENT} or {@link #UNREADABLE}. */
  public static long stat(Path file) {
    return stat(file.toFile());
  }

  /** The file's size, {@link #ABSENT} or {@link #UNREADABLE}. */
  public static long stat(File file) {
    // java.io's length() is one plain stat(2), much lighter than NIO's attributes; it says 0 for an
    // absent file too, so a 0 is asked again.
    long length = file.length();
    if (length > 0) {
      return length;
    }
    try {
      return Files.readAttributes(
              file.toPath(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .size();
    } catch (NoSuchFileException e) {
      return ABSENT;
    } catch (IOException | SecurityException e) {
      return UNREADABLE;
    }
  }
}
