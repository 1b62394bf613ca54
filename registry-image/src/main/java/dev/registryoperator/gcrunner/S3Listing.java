package dev.registryoperator.gcrunner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * A registry's S3 storage as one listing of its keys, taken after a run, with link and manifest
 * objects read on demand: what the image graph and the integrity check read, as {@link
 * StorageReader} and {@link PresenceIndex} read a filesystem. Keys are relative to {@code
 * docker/registry/v2/} (e.g. {@code blobs/sha256/ab/abcd.../data}).
 */
final class S3Listing implements StorageView, Presence {
  private static final String REPOSITORIES = "repositories/";
  private static final String MANIFESTS = "/_manifests/";

  private final S3Storage s3;
  private final Set<String> keys;
  private final Map<String, Manifest> manifests;

  /** When each key was last written, for a listing taken with times; else null. */
  private final Map<String, Instant> modified;

  /** The keys in order, made on first use by {@link #keysUnder}. */
  private NavigableSet<String> sorted;

  /**
   * @param manifests parsed manifests by digest, shared between listings of one storage: manifests
   *     are content-addressed, so one read before or during a run stays valid after it
   */
  S3Listing(S3Storage s3, Set<String> keys, Map<String, Manifest> manifests) {
    this(s3, keys, manifests, null);
  }

  private S3Listing(
      S3Storage s3,
      Set<String> keys,
      Map<String, Manifest> manifests,
      Map<String, Instant> modified) {
    this.s3 = s3;
    this.keys = keys;
    this.manifests = manifests;
    this.modified = modified;
  }

  /** Every key of the storage: the blobs and the repositories, listed side by side. */
  static S3Listing of(S3Storage s3, Map<String, Manifest> manifests, Parallel requests)
      throws IOException, InterruptedException {
    Future<Set<String>> blobs = requests.executor().submit(() -> keysUnder(s3, "blobs/"));
    Set<String> keys = keysUnder(s3, REPOSITORIES);
    try {
      keys.addAll(blobs.get());
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
    return new S3Listing(s3, keys, manifests);
  }

  /** The blobs listed now, beside the repositories of an earlier listing. */
  static S3Listing ofBlobsBeside(S3Storage s3, S3Listing repositories) throws IOException {
    Set<String> keys = keysUnder(s3, "blobs/");
    for (String key : repositories.keys) {
      if (key.startsWith(REPOSITORIES)) {
        keys.add(key);
      }
    }
    return new S3Listing(s3, keys, repositories.manifests);
  }

  /** Only the repositories (tags, revisions, layer links), without the blobs: a shorter listing. */
  static S3Listing ofRepositories(S3Storage s3, Map<String, Manifest> manifests)
      throws IOException {
    return new S3Listing(s3, keysUnder(s3, REPOSITORIES), manifests);
  }

  /**
   * Only the repositories, with the time each key was last written: what retention reads, which
   * needs the tags' push times ({@link #tagPushed}).
   */
  static S3Listing ofRepositoriesWithTimes(S3Storage s3, Map<String, Manifest> manifests)
      throws IOException {
    Map<String, Instant> modified = new HashMap<>();
    s3.keysModified(S3Storage.ROOT + REPOSITORIES)
        .forEach((key, time) -> modified.put(REPOSITORIES + key, time));
    return new S3Listing(s3, modified.keySet(), manifests, modified);
  }

  /**
   * When the tag was last pushed: when its {@code current/link} was written (every push of the tag
   * writes it). Only for a listing taken {@link #ofRepositoriesWithTimes with times}.
   */
  Instant tagPushed(String repository, String tag) throws IOException {
    String link = REPOSITORIES + repository + MANIFESTS + "tags/" + tag + "/current/link";
    Instant time = modified == null ? null : modified.get(link);
    if (time == null) {
      throw new IOException("no time listed for " + link);
    }
    return time;
  }

  /**
   * The listed keys of a folder of the repository's {@code _manifests} ({@code tags/v1}, {@code
   * revisions/sha256/<hex>}), relative to {@code docker/registry/v2/}.
   */
  synchronized List<String> keysUnder(String repository, String folderUnderManifests) {
    if (sorted == null) {
      sorted = new TreeSet<>(keys);
    }
    String prefix = REPOSITORIES + repository + MANIFESTS + folderUnderManifests + "/";
    return List.copyOf(sorted.subSet(prefix, prefix + Character.MAX_VALUE));
  }

  /** The keys under {@code folder} of {@code docker/registry/v2/}, relative to the latter. */
  private static Set<String> keysUnder(S3Storage s3, String folder) throws IOException {
    Set<String> keys = new HashSet<>();
    for (String key : s3.keys(S3Storage.ROOT + folder)) {
      keys.add(folder + key);
    }
    return keys;
  }

  /** Every key, relative to {@code docker/registry/v2/}. */
  Set<String> keys() {
    return keys;
  }

  /** The digests of every blob with a {@code data} object. */
  Set<String> blobDigests() {
    Set<String> digests = new HashSet<>();
    for (String key : keys) {
      if (key.startsWith("blobs/")) {
        String digest = S3Storage.digestOf(key.substring("blobs/".length()));
        if (digest != null) {
          digests.add(digest);
        }
      }
    }
    return digests;
  }

  @Override
  public List<String> repositories() {
    Set<String> names = new TreeSet<>();
    for (String key : keys) {
      int manifests = key.indexOf(MANIFESTS);
      if (key.startsWith(REPOSITORIES) && manifests > REPOSITORIES.length()) {
        names.add(key.substring(REPOSITORIES.length(), manifests));
      }
    }
    return new ArrayList<>(names);
  }

  @Override
  public List<TaggedManifest> tags(String repository) throws IOException {
    String prefix = REPOSITORIES + repository + MANIFESTS + "tags/";
    List<TaggedManifest> tags = new ArrayList<>();
    for (String key : keys) {
      if (key.startsWith(prefix) && key.endsWith("/current/link")) {
        String tag = key.substring(prefix.length(), key.length() - "/current/link".length());
        if (!tag.contains("/")) {
          byte[] link = s3.read(S3Storage.ROOT + key);
          if (link != null) {
            tags.add(
                new TaggedManifest(
                    repository, tag, new String(link, StandardCharsets.UTF_8).strip()));
          }
        }
      }
    }
    tags.sort((a, b) -> a.tag().compareTo(b.tag()));
    return tags;
  }

  @Override
  public Manifest manifest(String digest) throws IOException {
    Manifest cached = manifests.get(digest);
    if (cached != null) {
      return cached;
    }
    if (!Digests.isValid(digest)) {
      return null;
    }
    byte[] data = s3.read(S3Storage.ROOT + dataKey(digest));
    if (data == null) {
      return null;
    }
    Manifest manifest = Manifest.parse(data);
    manifests.put(digest, manifest);
    return manifest;
  }

  @Override
  public List<String> revisions(String repository) {
    String prefix = REPOSITORIES + repository + MANIFESTS + "revisions/";
    List<String> digests = new ArrayList<>();
    for (String key : keys) {
      if (key.startsWith(prefix) && key.endsWith("/link")) {
        String[] parts = key.substring(prefix.length()).split("/");
        if (parts.length == 3 && Digests.isValid(parts[0] + ":" + parts[1])) {
          digests.add(parts[0] + ":" + parts[1]);
        }
      }
    }
    digests.sort(null);
    return digests;
  }

  @Override
  public boolean hasRevision(String repository, String digest) {
    return revision(repository, digest).orElse(false);
  }

  @Override
  public Optional<Boolean> blob(String digest) {
    return Optional.of(keys.contains(dataKey(digest)));
  }

  @Override
  public Optional<Boolean> revision(String repository, String digest) {
    return Optional.of(keys.contains(link(repository, "_manifests/revisions/", digest)));
  }

  @Override
  public Optional<Boolean> layer(String repository, String digest) {
    return Optional.of(keys.contains(link(repository, "_layers/", digest)));
  }

  private static String dataKey(String digest) {
    String[] parts = split(digest);
    return "blobs/" + parts[0] + "/" + parts[1].substring(0, 2) + "/" + parts[1] + "/data";
  }

  private static String link(String repository, String kind, String digest) {
    String[] parts = split(digest);
    return REPOSITORIES + repository + "/" + kind + parts[0] + "/" + parts[1] + "/link";
  }

  private static String[] split(String digest) {
    if (!Digests.isValid(digest)) {
      throw new IllegalArgumentException("not a digest: " + digest);
    }
    int colon = digest.indexOf(':');
    return new String[] {digest.substring(0, colon), digest.substring(colon + 1)};
  }
}
