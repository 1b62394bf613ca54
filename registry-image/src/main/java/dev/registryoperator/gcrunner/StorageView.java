package dev.registryoperator.gcrunner;

import java.io.IOException;
import java.util.List;

/**
 * What the image graph and the safety check read from a registry's storage: its repositories, their
 * tags, the manifests, and which manifests are revisions of a repository. {@link StorageReader}
 * reads a filesystem, {@link S3Listing} a bucket.
 */
public interface StorageView {
  /** Repository names, e.g. {@code library/alpine}, sorted. */
  List<String> repositories() throws IOException;

  /** The repository's tags that have a current link, sorted by tag. */
  List<TaggedManifest> tags(String repository) throws IOException;

  /** The parsed manifest stored as blob {@code digest}, or null when its data does not exist. */
  Manifest manifest(String digest) throws IOException;

  /**
   * The digests of the repository's manifest revisions (those with a revision link: every manifest
   * pushed to it and not deleted), sorted.
   */
  List<String> revisions(String repository) throws IOException;

  /** Whether the repository has the manifest as a revision (its revision link exists). */
  boolean hasRevision(String repository, String digest);
}
