package dev.registryoperator.gcrunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

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

  /** The file's size, {@link #ABSENT} or {@link #UNREADABLE}. */
  public static long stat(Path file) {
    // java.io's length() is one plain stat(2), much lighter than NIO's attributes; it says 0 for an
    // absent
    // file too, so a 0 is asked again.
    long length = file.toFile().length();
    if (length > 0) {
      return length;
    }
    try {
      return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .size();
    } catch (NoSuchFileException e) {
      return ABSENT;
    } catch (IOException | SecurityException e) {
      return UNREADABLE;
    }
  }
}
