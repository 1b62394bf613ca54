package dev.registryoperator.gcrunner;

import java.util.Optional;

/**
 * Which blobs, manifest revisions and layer links exist after a run, for the integrity check; empty
 * where it could not be read. {@link PresenceIndex} reads a filesystem, {@link S3Listing} a bucket.
 *
 * <p>Each method throws {@link IllegalArgumentException} when {@code digest} is not a digest.
 */
public interface Presence {
  Optional<Boolean> blob(String digest);

  Optional<Boolean> revision(String repository, String digest);

  Optional<Boolean> layer(String repository, String digest);
}
